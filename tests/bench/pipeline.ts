// Pipeline throughput against its ceiling, freshness, and worker memory.
// - ceiling: the same documents (already enriched) bulk-indexed by a plain loop with the bulk helper;
// - pipeline: a queue pre-filled with N posts drained by the real pipeline service (a child process, or
//   BENCH_WORKERS of them), normalising, enriching and indexing; resident memory sampled while it works;
// - freshness: one post enqueued on the idle pipeline until it is searchable, 20 times.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connectionSchema, loadConfig, serverUrls } from '@cw/config';
import type { CollectedPostInput, IndexedPost } from '@cw/domain';
import { collectedPost } from '@cw/domain';
import {
  compileGate,
  compileNarratives,
  DEFAULT_NARRATIVES_DIR,
  headsDir,
  loadCorpus,
  loadLongPosts,
  loadNarrativeDefinitions,
  readHeadFiles,
  sourceOf,
} from '@cw/enrichment';
import { createEsClient, indexNames, installIndices } from '@cw/es';
import { toIndexedPost } from '@cw/pipeline';
import { createQueue, enqueue } from '@cw/queues';
import { createRedis } from '@cw/redis';
import { templates } from '@cw/sample-channels';
import { stackUp } from '@cw/stack';
import { pipelineNodeOptions } from '../support/compose.ts';
import { REALISTIC_CANDIDATE_SHARE, TELEGRAM_CANDIDATE_SHARE } from './enrichment.ts';
import { type RunningService, startService } from './service.ts';

const ALL = [
  ...templates.NEWS,
  ...templates.ORDINARY,
  ...templates.DEBUNKS,
  ...templates.RECRUITMENT,
  ...templates.BLAME,
];

// Templates the classifier's gate lets through, and the rest: the stream mixes them so that the
// candidate share is what we measured on real ordinary passages (see REALISTIC_CANDIDATE_SHARE).
const GATE = compileGate(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
const fill = (text: string) =>
  text
    .replaceAll('{city}', 'Алматы')
    .replaceAll('{n}', '7')
    .replaceAll('{amount}', '200')
    .replaceAll('{team}', 'Кайрат');
// BENCH_CANDIDATES=real: the candidates are the real ordinary passages of the corpus's train split that
// the gate lets through (longer than the templates, and mostly untagged, as on a real stream); by
// default the sample generator's templates that pass it (mostly recruitment and blame posts).
// BENCH_CANDIDATES=real-test: the same from the test split, which the first stage was not fitted on.
// BENCH_CANDIDATES=hard-test: the test split's gate-passing hard negatives (same topics, no narrative):
// hundreds of distinct real texts, where the ordinary ones are a dozen, and the dearest realistic
// candidates, since the first stage sends more of them to the encoder than of ordinary posts.
// BENCH_CANDIDATES=long: the long real posts (corpus/long, both sets) that carry no narrative and pass
// the gate: 3-8 paragraphs each, which recruitment reads pair by pair when the whole is not tagged.
// BENCH_CANDIDATES=telegram: the test split's whole Telegram channel posts that pass the gate, as a
// real news stream brings them (ordinary, topic-near and the odd narrative post), at the share the gate
// took of that stream (TELEGRAM_CANDIDATE_SHARE) unless BENCH_CANDIDATE_SHARE says otherwise.
const CANDIDATE_SOURCE = process.env['BENCH_CANDIDATES'] ?? 'templates';
const gated = (items: readonly { text: string }[]) =>
  items.filter((i) => GATE.test(i.text)).map((i) => ({ text: i.text }));
/** The real candidate sets, what the bench calls them, and their gate-passing texts. */
const REAL_SOURCES: Record<string, { what: string; candidates: () => { text: string }[] }> = {
  real: {
    what: 'real ordinary passages of the train split',
    candidates: () => gated(loadCorpus().train.filter((i) => i.kind === 'negative')),
  },
  'real-test': {
    what: 'real ordinary passages of the test split',
    candidates: () => gated(loadCorpus().test.filter((i) => i.kind === 'negative')),
  },
  'hard-test': {
    what: 'real hard negatives of the test split',
    candidates: () => gated(loadCorpus().test.filter((i) => i.kind === 'hard_negative')),
  },
  long: {
    what: 'long real posts with no narrative',
    candidates: () =>
      gated([...loadLongPosts('dev'), ...loadLongPosts('held-out')].filter((i) => i.narratives.length === 0)),
  },
  telegram: {
    what: "real Telegram posts of the test split's channels",
    candidates: () => gated(loadCorpus().test.filter((i) => sourceOf(i) === 'telegram')),
  },
};
const REAL = REAL_SOURCES[CANDIDATE_SOURCE];
const LONG = CANDIDATE_SOURCE === 'long';
const TELEGRAM = CANDIDATE_SOURCE === 'telegram';
const CANDIDATES: readonly { text: string }[] = REAL
  ? REAL.candidates()
  : ALL.filter((t) => GATE.test(fill(t.text)));
const OTHERS = ALL.filter((t) => !GATE.test(fill(t.text)));
const SHARE = Number(
  process.env['BENCH_CANDIDATE_SHARE'] ?? (TELEGRAM ? TELEGRAM_CANDIDATE_SHARE : REALISTIC_CANDIDATE_SHARE),
);

function makePosts(n: number, messageOffset = 0): CollectedPostInput[] {
  const start = Date.UTC(2026, 8, 1);
  const posts: CollectedPostInput[] = [];
  for (let i = 0; i < n; i += 1) {
    const candidate = (i * 7919) % 1000 < SHARE * 1000;
    const pool = candidate ? CANDIDATES : OTHERS;
    const tpl = pool[(i * 7919) % pool.length] as { text: string };
    const channel = i % 500;
    posts.push({
      channel: {
        id: String(-1002000000000 - channel),
        username: `bench_channel_${channel}`,
        title: `Bench ${channel}`,
      },
      messageId: messageOffset + Math.floor(i / 500) + 1,
      postedAt: new Date(start + i * 13_000).toISOString(),
      collectedAt: new Date(start + i * 13_000 + 5_000).toISOString(),
      text: tpl.text
        .replaceAll('{city}', 'Алматы')
        .replaceAll('{n}', String(i % 30))
        .replaceAll('{amount}', String(200 + (i % 50)))
        .replaceAll('{team}', 'Кайрат')
        .replaceAll('{handle}', `@hr_${i % 900}_bot`)
        // Each candidate a new text, so the classifier's memo (forwards, copies) does not flatter it;
        // a long post new in every line, so none of its paragraph pairs is remembered either.
        .replace(LONG && candidate ? /\n/g : /$^/, ` #${i}\n`)
        .concat(candidate ? ` #${i}` : ''),
      media: i % 3 === 0 ? [{ kind: 'photo' }] : [],
      metrics: { views: i % 20_000, forwards: i % 50 },
      source: 'replay',
    });
  }
  return posts;
}

/** CPU seconds (user + system) a process has used so far. */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** Busy and total jiffies of the whole machine, to show whether the cores were saturated. */
const machineCpu = () => {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

const rssMb = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
};

async function settle(es: ReturnType<typeof createEsClient>) {
  await es.indices.flush({ index: '_all' });
  for (let i = 0; i < 120; i += 1) {
    const stats = await es.nodes.stats({ metric: 'indices', index_metric: 'merge' });
    const merging = Object.values(stats.nodes).reduce(
      (n, node) => n + (node.indices?.merges?.current ?? 0),
      0,
    );
    if (merging === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function settleRedis(redis: { info: (section: string) => Promise<string> }) {
  for (let i = 0; i < 240; i += 1) {
    const info = await redis.info('persistence');
    if (!/aof_rewrite_in_progress:1|aof_rewrite_scheduled:1|rdb_bgsave_in_progress:1/.test(info)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

type Servers = {
  es: ReturnType<typeof createEsClient>;
  redisUrl: string;
  esUrl: string;
  /** Server processes whose CPU each phase reports, when the stack runs them here. */
  pids: { elasticsearch?: number | undefined; redis?: number | undefined };
};

/** CPU µs per post that each server spent between two readings, to show who used the cores. */
function serverCpu(servers: Servers) {
  const read = () => ({
    es: servers.pids.elasticsearch ? cpuSeconds(servers.pids.elasticsearch) : Number.NaN,
    redis: servers.pids.redis ? cpuSeconds(servers.pids.redis) : Number.NaN,
    self: process.cpuUsage(),
  });
  const start = read();
  return (posts: number) => {
    const end = read();
    const self = process.cpuUsage(start.self);
    const perPost = (seconds: number) => `${((seconds * 1e6) / posts).toFixed(0)}`;
    return {
      es: perPost(end.es - start.es),
      redis: perPost(end.redis - start.redis),
      bench: perPost((self.user + self.system) / 1e6),
    };
  };
}
const CEILING_PREFIX = 'cwbench-ceiling';
const PIPELINE_PREFIX = 'cwbench-pipeline';
const CONCURRENCY = process.env['CW_PIPELINE_CONCURRENCY'] ?? '4';
// The worker's V8 flags as its container sets them (docker-compose.yml), unless BENCH_WORKER_NODE_ARGS.
const NODE_ARGS = process.env['BENCH_WORKER_NODE_ARGS']?.split(' ').filter(Boolean) ?? pipelineNodeOptions();
// BENCH_WORKERS=N: N pipeline processes drain the queue together, as "Scaling out" in the README runs
// them (each with its own encoder threads: CW_ENCODER_THREADS reaches them from this environment).
const WORKERS = Number(process.env['BENCH_WORKERS'] ?? 1);
if (!Number.isInteger(WORKERS) || WORKERS < 1) throw new Error('BENCH_WORKERS: expected a whole number ≥ 1');
const WORKER_PORT = 19190;

async function freshIndices(es: Servers['es']) {
  for (const prefix of [CEILING_PREFIX, PIPELINE_PREFIX]) {
    await es.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
    await installIndices(es, prefix);
  }
}

const busyPercent = (a: { busy: number; total: number }, b: { busy: number; total: number }) =>
  (100 * (b.busy - a.busy)) / (b.total - a.total);

/** The same documents, enriched beforehand, written by a plain bulk-helper loop. */
async function measureCeiling(serversOf: Servers, docs: IndexedPost[]) {
  const { es } = serversOf;
  const names = indexNames(CEILING_PREFIX);
  const cpu = machineCpu();
  const servers = serverCpu(serversOf);
  const t0 = performance.now();
  for (let i = 0; i < docs.length; i += 500) {
    await es.helpers.bulk({
      datasource: docs.slice(i, i + 500),
      onDocument: (doc) => ({ index: { _index: names.postsIndex(doc.postedAt), _id: doc.id } }),
      flushBytes: 5_000_000,
      concurrency: 2,
    });
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    perSecond: docs.length / seconds,
    seconds,
    busy: busyPercent(cpu, machineCpu()),
    cpu: servers(docs.length),
  };
}

/**
 * BENCH_FIRST_STAGE=off: the worker reads a copy of the narratives whose heads have no first stage, so
 * every candidate is encoded as before the cascade (for a before/after on the same machine).
 */
const NARRATIVES_DIR = (() => {
  if (process.env['BENCH_FIRST_STAGE'] !== 'off') return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'cwbench-narratives-'));
  cpSync(DEFAULT_NARRATIVES_DIR, dir, { recursive: true });
  for (const { screen: _, ...head } of readHeadFiles(headsDir(dir)))
    writeFileSync(join(headsDir(dir), `${head.narrative}.json`), JSON.stringify(head));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
})();

function startWorker(servers: Servers, port: number): Promise<RunningService> {
  return startService({
    main: 'services/pipeline/src/main.ts',
    nodeArgs: NODE_ARGS,
    healthUrl: `http://127.0.0.1:${port}/healthz`,
    env: {
      CW_INDEX_PREFIX: PIPELINE_PREFIX,
      CW_QUEUE_PREFIX: PIPELINE_PREFIX,
      CW_PIPELINE_PORT: String(port),
      CW_PIPELINE_CONCURRENCY: CONCURRENCY,
      CW_LOG_LEVEL: 'warn',
      CW_REDIS_URL: servers.redisUrl,
      CW_ES_URL: servers.esUrl,
      ...(NARRATIVES_DIR ? { CW_NARRATIVES_DIR: NARRATIVES_DIR } : {}),
      // BENCH_CLASSIFIER=off: the worker finds no encoder and tags with the rules alone.
      ...(process.env['BENCH_CLASSIFIER'] === 'off' ? { CW_CACHE_DIR: '/nonexistent-cw-bench-cache' } : {}),
    },
  });
}

/** Each worker's /metrics, read once per reading. */
async function scrapeWorkers(): Promise<string[]> {
  return Promise.all(
    Array.from({ length: WORKERS }, async (_, i) =>
      (await fetch(`http://127.0.0.1:${WORKER_PORT + i}/metrics`)).text(),
    ),
  );
}

/** A series summed over the workers, by its labels ('' when it has none; empty when absent). */
function sumSeries(scrapes: readonly string[], name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const text of scrapes) {
    for (const m of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))) {
      const labels = m[1] ?? '';
      out.set(labels, (out.get(labels) ?? 0) + Number(m[2]));
    }
  }
  return out;
}

/** An unlabelled series summed over the workers (0 when absent: the classifier is off). */
const total = (scrapes: readonly string[], name: string) => sumSeries(scrapes, name).get('') ?? 0;

/** Garbage collection so far, by kind (minor, major, incremental…): seconds and collections. */
type GcTotals = Map<string, { seconds: number; count: number }>;

/** Garbage collection in the workers' main threads so far. */
function gcOf(scrapes: readonly string[]): GcTotals {
  const counts = sumSeries(scrapes, 'nodejs_gc_duration_seconds_count');
  const out: GcTotals = new Map();
  for (const [labels, seconds] of sumSeries(scrapes, 'nodejs_gc_duration_seconds_sum')) {
    const kind = /kind="([^"]+)"/.exec(labels)?.[1] ?? labels;
    out.set(kind, { seconds, count: counts.get(labels) ?? 0 });
  }
  return out;
}

/** What the run's garbage collection cost, from two readings of gcOf. */
function describeGc(before: GcTotals, after: GcTotals): string {
  let sum = 0;
  const kinds: string[] = [];
  for (const [kind, a] of after) {
    const b = before.get(kind) ?? { seconds: 0, count: 0 };
    const seconds = a.seconds - b.seconds;
    const count = a.count - b.count;
    sum += seconds;
    if (count > 0) kinds.push(`${kind} ${seconds.toFixed(2)} s in ${count}`);
  }
  return `${sum.toFixed(2)} s (${kinds.join(', ')})`;
}

/** A pre-filled queue drained by the real service, timed from when every worker answers /healthz (the
 * queue paused until then) to an empty queue. */
async function measurePipeline(
  servers: Servers,
  queue: ReturnType<typeof createQueue>,
  posts: CollectedPostInput[],
) {
  await queue.obliterate({ force: true });
  for (let i = 0; i < posts.length; i += 500) {
    await enqueue(queue, 'posts', { posts: posts.slice(i, i + 500), source: 'replay' });
  }
  // The fill (≈ 100 MB of jobs) makes Redis rewrite its append-only file; let that finish, as the
  // merges were, so the run measures the pipeline and not a fork writing the file beside it.
  await settleRedis(await queue.client);
  const t0 = performance.now();
  // Paused while the workers start: otherwise the first one up drains posts before the clock starts
  // (with two workers about a second's worth, while the second loads its encoder).
  await queue.pause();
  const services = await Promise.all(
    Array.from({ length: WORKERS }, (_, i) => startWorker(servers, WORKER_PORT + i)),
  );
  const service = services[0] as RunningService;
  const pids = services.map((s) => s.child.pid).filter((p): p is number => p !== undefined);
  try {
    const health = (await (await fetch(`http://127.0.0.1:${WORKER_PORT}/healthz`)).json()) as {
      narratives?: object;
    };
    console.log(`worker narratives: ${JSON.stringify(health.narratives)}`);
    const workersCpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const cpuAtStart = workersCpu();
    const machineAtStart = machineCpu();
    const serverUse = serverCpu(servers);
    const gcAtStart = gcOf(await scrapeWorkers());
    const started = performance.now();
    await queue.resume();
    let cpuAtEnd = cpuAtStart;
    // Each worker's resident memory (the target is per worker), and all of them together.
    const rss: number[] = [];
    const rssTotal: number[] = [];
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      const each = pids.map(rssMb);
      rss.push(...each);
      rssTotal.push(each.reduce((a, b) => a + b, 0));
      // Completed batches are not all kept (keepCompleted), so the end is an empty queue.
      const left = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      cpuAtEnd = workersCpu();
      if (Object.values(left).every((n) => n === 0)) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const atEnd = await scrapeWorkers();
    const measured = {
      gc: describeGc(gcAtStart, gcOf(atEnd)),
      candidates: total(atEnd, 'cw_pipeline_classifier_candidates_total'),
      encoderThreads: total(atEnd, 'cw_pipeline_encoder_threads'),
      encoded: total(atEnd, 'cw_pipeline_encoder_texts_total'),
      service,
      perSecond: posts.length / seconds,
      seconds,
      startSeconds: (started - t0) / 1000,
      cpuPerPost: ((cpuAtEnd - cpuAtStart) * 1e6) / posts.length,
      cores: (cpuAtEnd - cpuAtStart) / seconds,
      busy: busyPercent(machineAtStart, machineCpu()),
      cpu: serverUse(posts.length),
      rss,
      rssTotal,
    };
    // The first worker stays for the freshness measurement; the others stop here.
    await Promise.all(services.slice(1).map((s) => s.stop()));
    return measured;
  } catch (err) {
    // A failed run leaves no worker behind to hold the ports of the next.
    await Promise.all(services.map((s) => s.stop()));
    throw err;
  }
}

export async function run(): Promise<void> {
  const total = Number(process.env['BENCH_POSTS'] ?? 200_000);
  // Run-to-run spread on two shared cores is large (±15 %): several rounds, each ceiling beside its
  // pipeline run, and the median ratio.
  const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
  const config = loadConfig(connectionSchema, process.env);
  const stack = await stackUp({
    redisUrl: config.CW_REDIS_URL,
    esUrl: config.CW_ES_URL,
    redisPort: config.CW_REDIS_PORT,
    esPort: config.CW_ES_PORT,
  });
  const { redisUrl, esUrl } = serverUrls(config);
  const es = createEsClient(esUrl, { requestTimeoutMs: 120_000 });
  const pid = (name: string) => stack.find((s) => s.name === name && s.origin !== 'external')?.pid;
  const servers = { es, redisUrl, esUrl, pids: { elasticsearch: pid('elasticsearch'), redis: pid('redis') } };
  const posts = makePosts(total);
  const narratives = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
  const docs = posts.map((p) => toIndexedPost(collectedPost.parse(p), { narratives }));
  console.log(
    `posts: ${total} (500 channels, ${ALL.length} templates, ${(SHARE * 100).toFixed(0)}% classifier candidates` +
      `${REAL ? `: ${CANDIDATES.length} ${REAL.what}` : ''}); ` +
      `${rounds} rounds; ${WORKERS > 1 ? `${WORKERS} workers, each` : 'worker'}: concurrency ${CONCURRENCY}, ` +
      `${process.env['CW_ENCODER_THREADS'] ? `${process.env['CW_ENCODER_THREADS']} encoder threads, ` : ''}node ${process.version} ${NODE_ARGS.join(' ')}` +
      `${NARRATIVES_DIR ? '; first stage off (every candidate encoded)' : ''}`,
  );
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`load average at start (1, 5, 15 min): ${load()}`);
  const connection = createRedis(redisUrl, 'worker');
  const queue = createQueue('posts', { connection, prefix: PIPELINE_PREFIX });

  const ratios: number[] = [];
  const throughputs: number[] = [];
  const rss: number[] = [];
  const rssTotal: number[] = [];
  let worker: RunningService | undefined;
  for (let round = 1; round <= rounds; round += 1) {
    await freshIndices(es);
    const ceiling = await measureCeiling(servers, docs);
    // Let Elasticsearch finish merging the ceiling's segments, so they do not slow the pipeline's run.
    await settle(es);
    const pipeline = await measurePipeline(servers, queue, posts);
    // The last round's worker stays up for the freshness measurement.
    if (round < rounds) await pipeline.service.stop();
    else worker = pipeline.service;
    ratios.push(pipeline.perSecond / ceiling.perSecond);
    throughputs.push(pipeline.perSecond);
    rss.push(...pipeline.rss);
    rssTotal.push(...pipeline.rssTotal);
    console.log(
      `round ${round}: ceiling (bulk helper loop, pre-enriched docs) ${ceiling.perSecond.toFixed(0)} posts/s ` +
        `(${ceiling.seconds.toFixed(1)} s, ${ceiling.busy.toFixed(0)}% of all cores busy); ` +
        `pipeline (queue → normalise → enrich → index) ${pipeline.perSecond.toFixed(0)} posts/s ` +
        `(${pipeline.seconds.toFixed(1)} s after a ${pipeline.startSeconds.toFixed(1)} s service start, ` +
        `${pipeline.busy.toFixed(0)}% of all cores busy); ${WORKERS > 1 ? 'workers’' : 'worker'} CPU ${pipeline.cpuPerPost.toFixed(0)} µs per post ` +
        `(${pipeline.cores.toFixed(2)} cores); ratio ${(pipeline.perSecond / ceiling.perSecond).toFixed(2)}\n` +
        `  CPU µs per post: ceiling: Elasticsearch ${ceiling.cpu.es}, bench loop ${ceiling.cpu.bench}; ` +
        `pipeline: worker ${pipeline.cpuPerPost.toFixed(0)}, Elasticsearch ${pipeline.cpu.es}, Redis ${pipeline.cpu.redis}\n` +
        `  classifier: ${pipeline.candidates} candidates (${((100 * pipeline.candidates) / posts.length).toFixed(1)}% of posts), ` +
        `${pipeline.encoded} reached the encoder (${((100 * pipeline.encoded) / Math.max(1, pipeline.candidates)).toFixed(1)}% of candidates, ` +
        `${((1000 * pipeline.encoded) / posts.length).toFixed(1)} per 1,000 posts); ` +
        `encoder threads running at the end: ${pipeline.encoderThreads}${WORKERS > 1 ? ' (all workers)' : ''}\n` +
        `  garbage collection in the ${WORKERS > 1 ? 'workers’ main threads' : 'worker’s main thread'}: ${pipeline.gc}`,
    );
    if (round < rounds) await settle(es);
  }
  console.log(
    `pipeline throughput: median ${percentile(throughputs, 50).toFixed(0)} posts/s (rounds: ${throughputs.map((t) => t.toFixed(0)).join(', ')})`,
  );
  console.log(
    `ratio to ceiling: median ${percentile(ratios, 50).toFixed(2)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
  );
  console.log(
    `worker RSS under load: median ${percentile(rss, 50).toFixed(0)} MB, max ${Math.max(...rss).toFixed(0)} MB` +
      (WORKERS > 1 ? `; the ${WORKERS} workers together: max ${Math.max(...rssTotal).toFixed(0)} MB` : ''),
  );

  console.log(`load average after the rounds (1, 5, 15 min): ${load()}`);

  // Freshness on the now idle pipeline.
  const fresh = makePosts(20, 900_000);
  const latencies: number[] = [];
  const alias = indexNames(PIPELINE_PREFIX).posts;
  for (const post of fresh) {
    const t = performance.now();
    await enqueue(queue, 'posts', { posts: [post], source: 'replay' });
    const id = `${post.channel.id}_${post.messageId}`;
    for (;;) {
      const found = await es.count({ index: alias, query: { ids: { values: [id] } } });
      if (found.count === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    latencies.push((performance.now() - t) / 1000);
  }
  console.log(
    `freshness (enqueue → searchable, 20 posts): p50 ${percentile(latencies, 50).toFixed(2)} s, p95 ${percentile(latencies, 95).toFixed(2)} s`,
  );

  await worker?.stop();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  for (const prefix of [CEILING_PREFIX, PIPELINE_PREFIX]) {
    await es.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
  }
  await es.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
