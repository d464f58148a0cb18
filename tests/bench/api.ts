// Query API latency over a large index: N generated posts over 90 days (default 1,000,000; set
// CW_BENCH_API_POSTS or pass a number: `npx tsx tests/bench/api.ts 100000`), loaded straight with
// the bulk helper as IndexedPost-shaped documents (no enrichment: the load is not what is measured),
// then 8 concurrent HTTP clients against the real service, in its own process, for each endpoint. Parameters vary per
// request (window end, narrative, words), so Elasticsearch's request cache rarely answers for us.
// Uses the running local stack (or starts it) and its own index prefix `cwbench`, deleted at the
// end unless CW_BENCH_API_KEEP=1 (a later run with CW_BENCH_API_REUSE=1 then skips the load). Trends are measured
// twice: as deployed (whole past days reused for 60 s) and with that cache off.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hashApiKey } from '@cw/api';
import { stemText } from '@cw/enrichment';
import { type Client, createEsClient, indexNames, installIndices } from '@cw/es';
import { benchServers, startService } from './service.ts';

const PREFIX = 'cwbench';
const DAYS = 90;
const HOUR = 3600_000;
const CLIENTS = 8;
// Requests per endpoint before measuring, not timed: a service that has run for a while has its JIT
// warm and its trends day cache filled for the days analysts look at (here: the last 90).
const WARMUP = 64;
const NARRATIVES = ['recruitment', 'blame', 'sanctions', 'biolabs', 'elections', 'protests'];
const LANGS = ['ru', 'ru', 'ru', 'kk', 'kk', 'uk', 'en'];
const WORDS = (
  'контракт контракта выплаты граница колонна дроны запчасти казахстан астана алматы санкции ' +
  'выборы митинг лаборатория вакансия добровольцы келісімшарт шекара сайлау жалақы новости ' +
  'погода рынок цены школа завод мост вокзал дорога область город сегодня вчера заявил источник'
).split(' ');

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// An async generator: the bulk helper pulls documents as it sends, so 1M never sit in memory.
async function* documents(count: number, end: number) {
  const random = rng(1);
  const start = end - DAYS * 24 * HOUR;
  for (let i = 0; i < count; i++) {
    const channel = Math.floor(random() ** 2 * 500);
    const postedAt = new Date(start + Math.floor(random() * DAYS * 24 * HOUR)).toISOString();
    const words = Array.from({ length: 12 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
    const text = `${words} №${i}`;
    const narratives = NARRATIVES.filter(() => random() < 0.08);
    const fp = randomBytes(8).toString('hex');
    const forward = random() < 0.2;
    yield {
      id: `-100${2000000000 + channel}_${i}`,
      channel: {
        id: `-100${2000000000 + channel}`,
        username: `bench_ch_${channel}`,
        title: `Bench ${channel}`,
      },
      messageId: i + 1,
      url: `https://t.me/bench_ch_${channel}/${i + 1}`,
      postedAt,
      collectedAt: postedAt,
      text,
      textStems: stemText(text),
      entities: { urls: [], domains: [], hashtags: [], mentions: [], channelLinks: [] },
      media: [],
      ...(forward ? { forward: { fromChannelId: '-1009999' } } : {}),
      metrics: { views: Math.floor(random() * 50_000), forwards: Math.floor(random() * 100) },
      source: 'replay',
      lang: LANGS[Math.floor(random() * LANGS.length)],
      langConfidence: 0.9,
      narratives,
      narrativeEvidence: narratives.map((n) => ({ narrative: n, score: 1, signals: [] })),
      fingerprint: fp,
      fingerprintBands: [0, 1, 2, 3].map((b) => `${b}:${fp.slice(b * 4, b * 4 + 4)}`),
      isForward: forward,
      isEdited: false,
      isDeleted: false,
      version: Date.parse(postedAt),
    };
  }
}

async function load(es: Client, count: number, end: number) {
  await es.indices.delete({ index: `${PREFIX}-*`, ignore_unavailable: true, allow_no_indices: true });
  await installIndices(es, PREFIX);
  const names = indexNames(PREFIX);
  const started = performance.now();
  const result = await es.helpers.bulk<{ id: string; postedAt: string }>({
    datasource: documents(count, end),
    onDocument: (doc) => ({ index: { _index: names.postsIndex(doc.postedAt), _id: doc.id } }),
    flushBytes: 8_000_000,
    concurrency: 2,
    refreshOnCompletion: true,
  });
  if (result.failed > 0) throw new Error(`${result.failed} documents failed to index`);
  const seconds = (performance.now() - started) / 1000;
  const { count: indexed } = await es.count({ index: names.posts });
  // Let Elasticsearch finish merging the segments of the load, as it would have long before an
  // analyst asks: measuring during those merges measures the load, not the queries.
  const settleStart = performance.now();
  for (let i = 0; i < 300; i++) {
    const stats = await es.indices.stats({ index: `${PREFIX}-posts-*`, metric: 'merge' });
    if ((stats._all.total?.merges?.current ?? 0) === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return { seconds, indexed, settle: (performance.now() - settleStart) / 1000 };
}

type Scenario = { name: string; url: (random: () => number) => string; uncached?: boolean };

function scenarios(end: number): Scenario[] {
  const iso = (t: number) => new Date(t).toISOString();
  // A window end somewhere in the last 60 days, on a whole minute, so windows stay inside the data.
  const endIn = (random: () => number) => Math.floor((end - random() * 60 * 24 * HOUR) / 60_000) * 60_000;
  const pick = <T>(random: () => number, list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  return [
    {
      name: 'trends 30 d hourly, all narratives',
      url: (r) => {
        const to = endIn(r);
        return `/v1/trends?interval=hour&from=${iso(to - 30 * 24 * HOUR)}&to=${iso(to)}&tz=Asia/Almaty`;
      },
    },
    {
      name: 'trends (day cache off)',
      uncached: true,
      url: (r) => {
        const to = endIn(r);
        return `/v1/trends?interval=hour&from=${iso(to - 30 * 24 * HOUR)}&to=${iso(to)}&tz=Asia/Almaty`;
      },
    },
    {
      name: 'posts search + filters',
      url: (r) => {
        const to = endIn(r);
        const q = encodeURIComponent(`${pick(r, WORDS)} ${pick(r, WORDS)}`);
        return `/v1/posts?q=${q}&lang=ru&minViews=1000&narrative=${pick(r, NARRATIVES)}&from=${iso(to - 30 * 24 * HOUR)}&to=${iso(to)}&sort=time&limit=50`;
      },
    },
    {
      name: 'channels/top 7 d',
      url: (r) => {
        const to = endIn(r);
        return `/v1/channels/top?narrative=${pick(r, NARRATIVES)}&from=${iso(to - 7 * 24 * HOUR)}&to=${iso(to)}`;
      },
    },
    {
      name: 'terms/emerging 1 d vs 30 d',
      url: (r) => {
        const to = endIn(r);
        return `/v1/terms/emerging?narrative=${pick(r, NARRATIVES)}&from=${iso(to - 24 * HOUR)}&to=${iso(to)}&backgroundFrom=${iso(to - 31 * 24 * HOUR)}`;
      },
    },
  ];
}

/** A minimal valid definition, so the service knows the generated data's narrative ids. */
function definitionYaml(id: string): string {
  return [
    `id: ${id}`,
    `title: ${id}`,
    `description: bench narrative ${id}`,
    'languages: [ru]',
    'threshold: 1',
    'signals:',
    '  main:',
    '    weight: 1',
    '    terms:',
    `      ru: [${id}]`,
    'examples:',
    `  positive: ["${id}"]`,
    '  negative: ["ничего"]',
    '',
  ].join('\n');
}

/** The real API service (`services/api/src/main.ts`) in a child process, ready to answer. */
async function startApi(env: Record<string, string>) {
  const base = `http://127.0.0.1:${env['CW_API_PORT']}`;
  const service = await startService({
    main: 'services/api/src/main.ts',
    env,
    healthUrl: `${base}/healthz`,
    nodeArgs: (process.env['BENCH_API_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
  });
  return { base, stop: service.stop };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function measure(base: string, key: string, scenario: Scenario, requests: number) {
  const random = rng(scenario.name.length * 7919);
  const urls = Array.from({ length: requests + WARMUP }, () => scenario.url(random));
  const warmup = urls.splice(0, WARMUP);
  const call = async (url: string) => {
    const started = performance.now();
    const res = await fetch(base + url, { headers: { authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    return performance.now() - started;
  };
  for (const url of warmup) await call(url);
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let url = urls.shift(); url; url = urls.shift()) latencies.push(await call(url));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), rps: latencies.length / seconds };
}

export async function run(): Promise<void> {
  const arg = process.argv.slice(2).find((a) => /^\d+$/.test(a));
  const count = Number(arg ?? process.env['CW_BENCH_API_POSTS'] ?? 1_000_000);
  const requests = Number(process.env['CW_BENCH_API_REQUESTS'] ?? 200);
  const { esUrl } = await benchServers();
  const es = createEsClient(esUrl, { requestTimeoutMs: 120_000 });
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const reuse = process.env['CW_BENCH_API_REUSE'] === '1';
  const existing = reuse
    ? await es.count({ index: `${PREFIX}-posts` }).then(
        (r) => r.count,
        () => 0,
      )
    : 0;
  if (existing >= count) {
    process.stdout.write(`api bench: reusing ${existing} posts already in ${PREFIX}-posts\n`);
  } else {
    process.stdout.write(`api bench: loading ${count} posts over ${DAYS} days into ${PREFIX}-posts…\n`);
    const loaded = await load(es, count, end);
    process.stdout.write(
      `api bench: load ${loaded.seconds.toFixed(1)} s (${Math.round(loaded.indexed / loaded.seconds)} posts/s), ${loaded.indexed} indexed; merges settled after ${loaded.settle.toFixed(1)} s more\n`,
    );
  }
  const key = randomBytes(16).toString('hex');
  // The service as deployed: its own process (clients and server do not share an event loop), once
  // with whole past days of trends reused for 60 s and once with that cache off.
  const narrativesDir = mkdtempSync(join(tmpdir(), 'cw-bench-narratives-'));
  for (const id of NARRATIVES) writeFileSync(join(narrativesDir, `${id}.yaml`), definitionYaml(id));
  const env = {
    CW_INDEX_PREFIX: PREFIX,
    CW_API_KEYS: `bench:${hashApiKey(key)}`,
    CW_API_RATE_LIMIT: '1000000',
    CW_NARRATIVES_DIR: narrativesDir,
    CW_LOG_LEVEL: 'warn',
    CW_ES_URL: esUrl,
  };
  const server = await startApi({ ...env, CW_API_PORT: '19280', CW_API_TRENDS_CACHE_SECONDS: '60' });
  const uncached = await startApi({ ...env, CW_API_PORT: '19281', CW_API_TRENDS_CACHE_SECONDS: '0' });
  process.stdout.write(`api bench: ${CLIENTS} concurrent clients, ${requests} requests per endpoint\n`);
  // CW_BENCH_API_ONLY=posts runs only the scenarios whose name contains that word.
  const only = process.env['CW_BENCH_API_ONLY'];
  try {
    for (const scenario of scenarios(end).filter((s) => !only || s.name.includes(only))) {
      const r = await measure((scenario.uncached ? uncached : server).base, key, scenario, requests);
      process.stdout.write(
        `  ${scenario.name.padEnd(36)} p50 ${r.p50.toFixed(1).padStart(7)} ms   p95 ${r.p95.toFixed(1).padStart(7)} ms   ${r.rps.toFixed(0).padStart(5)} req/s\n`,
      );
    }
  } finally {
    await Promise.all([server.stop(), uncached.stop()]);
    rmSync(narrativesDir, { recursive: true, force: true });
  }
  // The index is large: removed unless kept for another run (CW_BENCH_API_KEEP=1, then REUSE=1).
  if (process.env['CW_BENCH_API_KEEP'] !== '1') {
    await es.indices.delete({ index: `${PREFIX}-*`, ignore_unavailable: true, allow_no_indices: true });
    await es.indices.deleteIndexTemplate({ name: `${PREFIX}-*` }).catch(() => {});
  }
  await es.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`api bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
