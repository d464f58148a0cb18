// Pipeline throughput against its ceiling, freshness, and worker memory.
// - ceiling: the same documents (already enriched) bulk-indexed by a plain loop with the bulk helper;
// - pipeline: a queue pre-filled with N posts drained by the real pipeline service (child process),
//   normalising, enriching and indexing; its resident memory sampled while it works;
// - freshness: one post enqueued on the idle pipeline until it is searchable, 20 times.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { connectionSchema, loadConfig, serverUrls } from '@cw/config';
import type { CollectedPostInput } from '@cw/domain';
import { collectedPost } from '@cw/domain';
import { compileNarratives, DEFAULT_NARRATIVES_DIR, loadNarrativeDefinitions } from '@cw/enrichment';
import { createEsClient, indexNames, installIndices } from '@cw/es';
import { toIndexedPost } from '@cw/pipeline';
import { createQueue, enqueue } from '@cw/queues';
import { createRedis } from '@cw/redis';
import { templates } from '@cw/sample-channels';
import { REPO_ROOT, stackUp } from '@cw/stack';

const ALL = [
  ...templates.NEWS,
  ...templates.ORDINARY,
  ...templates.DEBUNKS,
  ...templates.RECRUITMENT,
  ...templates.BLAME,
];

export function makePosts(n: number, messageOffset = 0): CollectedPostInput[] {
  const start = Date.UTC(2026, 8, 1);
  const posts: CollectedPostInput[] = [];
  for (let i = 0; i < n; i += 1) {
    const tpl = ALL[(i * 7919) % ALL.length] as (typeof ALL)[number];
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
        .replaceAll('{handle}', `@hr_${i % 900}_bot`),
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
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
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

export async function run(): Promise<void> {
  const total = Number(process.env['BENCH_POSTS'] ?? 200_000);
  const config = loadConfig(connectionSchema, process.env);
  await stackUp({
    redisUrl: config.CW_REDIS_URL,
    esUrl: config.CW_ES_URL,
    redisPort: config.CW_REDIS_PORT,
    esPort: config.CW_ES_PORT,
  });
  const { redisUrl, esUrl } = serverUrls(config);
  const es = createEsClient(esUrl, { requestTimeoutMs: 120_000 });
  const ceilingPrefix = 'cwbench-ceiling';
  const pipelinePrefix = 'cwbench-pipeline';
  for (const prefix of [ceilingPrefix, pipelinePrefix]) {
    await es.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
    await installIndices(es, prefix);
  }
  const posts = makePosts(total);
  console.log(`posts: ${total} (500 channels, ${ALL.length} templates)`);

  // Ceiling: the same documents, enriched beforehand, written by a plain bulk-helper loop.
  const narratives = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
  const docs = posts.map((p) => toIndexedPost(collectedPost.parse(p), { narratives }));
  const names = indexNames(ceilingPrefix);
  const ceilingCpuStart = machineCpu();
  let t0 = performance.now();
  for (let i = 0; i < docs.length; i += 500) {
    await es.helpers.bulk({
      datasource: docs.slice(i, i + 500),
      onDocument: (doc) => ({ index: { _index: names.postsIndex(doc.postedAt), _id: doc.id } }),
      flushBytes: 5_000_000,
      concurrency: 2,
    });
  }
  const ceilingSeconds = (performance.now() - t0) / 1000;
  const ceiling = total / ceilingSeconds;
  const ceilingCpuEnd = machineCpu();
  console.log(
    `ceiling (bulk helper loop, pre-enriched docs): ${ceiling.toFixed(0)} posts/s (${ceilingSeconds.toFixed(1)} s, ${((100 * (ceilingCpuEnd.busy - ceilingCpuStart.busy)) / (ceilingCpuEnd.total - ceilingCpuStart.total)).toFixed(0)}% of all cores busy)`,
  );

  // Let Elasticsearch finish merging the ceiling's segments, so they do not slow the pipeline's run.
  await settle(es);

  // The pipeline: pre-filled queue, then the real service drains it.
  const connection = createRedis(redisUrl, 'worker');
  const queue = createQueue('posts', { connection, prefix: pipelinePrefix });
  await queue.obliterate({ force: true });
  for (let i = 0; i < posts.length; i += 500) {
    await enqueue(queue, 'posts', { posts: posts.slice(i, i + 500), source: 'replay' });
  }
  // The worker's V8 flags as its container sets them (infra/Dockerfile: NODE_OPTIONS).
  const nodeArgs = (process.env['BENCH_WORKER_NODE_ARGS'] ?? '--max-old-space-size=128')
    .split(' ')
    .filter(Boolean);
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', 'services/pipeline/src/main.ts'],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        CW_INDEX_PREFIX: pipelinePrefix,
        CW_QUEUE_PREFIX: pipelinePrefix,
        CW_PIPELINE_PORT: '19190',
        CW_PIPELINE_CONCURRENCY: process.env['CW_PIPELINE_CONCURRENCY'] ?? '2',
        CW_LOG_LEVEL: 'warn',
        CW_REDIS_URL: redisUrl,
        CW_ES_URL: esUrl,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const rss: number[] = [];
  t0 = performance.now();
  // Timed from the moment the service answers /healthz (its worker consumes) to the last batch.
  while (
    !(await fetch('http://127.0.0.1:19190/healthz').then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const started = performance.now();
  const cpuAtStart = child.pid ? cpuSeconds(child.pid) : 0;
  const machineAtStart = machineCpu();
  let cpuAtEnd = cpuAtStart;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    if (child.pid) rss.push(rssMb(child.pid));
    // Completed batches are not all kept (keepCompleted), so the end is an empty queue.
    const left = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (child.pid) cpuAtEnd = cpuSeconds(child.pid);
    if (Object.values(left).every((n) => n === 0)) break;
  }
  const pipelineSeconds = (performance.now() - started) / 1000;
  const machineAtEnd = machineCpu();
  const throughput = total / pipelineSeconds;
  console.log(
    `pipeline (queue → normalise → enrich → index, concurrency ${process.env['CW_PIPELINE_CONCURRENCY'] ?? '2'}, node ${nodeArgs.join(' ')}): ` +
      `${throughput.toFixed(0)} posts/s (${pipelineSeconds.toFixed(1)} s after a ${((started - t0) / 1000).toFixed(1)} s service start)`,
  );
  console.log(
    `worker CPU: ${(((cpuAtEnd - cpuAtStart) * 1e6) / total).toFixed(0)} µs per post ` +
      `(${((cpuAtEnd - cpuAtStart) / pipelineSeconds).toFixed(2)} cores busy on average)`,
  );
  console.log(
    `machine CPU during the run: ${((100 * (machineAtEnd.busy - machineAtStart.busy)) / (machineAtEnd.total - machineAtStart.total)).toFixed(0)}% of all cores busy`,
  );
  console.log(`ratio to ceiling: ${(throughput / ceiling).toFixed(2)}`);
  console.log(
    `worker RSS under load: median ${percentile(rss, 50).toFixed(0)} MB, max ${Math.max(...rss).toFixed(0)} MB`,
  );

  // Freshness on the now idle pipeline.
  const fresh = makePosts(20, 900_000);
  const latencies: number[] = [];
  const alias = indexNames(pipelinePrefix).posts;
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

  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  for (const prefix of [ceilingPrefix, pipelinePrefix]) {
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
