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
import { fixedOffset, hashApiKey, prepareSearchText, ZoneWindow } from '@cw/api';
import { normaliseForMatching, stemText } from '@cw/enrichment';
import {
  type Client,
  createEsClient,
  indexNames,
  installIndices,
  searchPosts,
  type TrendsZone,
  trends,
} from '@cw/es';
import { mainProfile, summariseCpuProfile } from './cpu-profile.ts';
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

type Params = Record<string, string>;
type Scenario = {
  name: string;
  params: (random: () => number) => Params;
  path: string;
  uncached?: boolean;
  /** The same query sent straight to Elasticsearch through the same query builder, no service. */
  direct?: (es: Client, params: Params) => Promise<unknown>;
};

const query = (params: Params) => new URLSearchParams(params).toString();

function zoneFor(tz: string, from: string, to: string): TrendsZone {
  const zone = new ZoneWindow(tz, Date.parse(from), Date.parse(to));
  return {
    stretches: zone.stretches.map((s) => ({ ...s, offset: fixedOffset(s.offset) })),
    bucketStart: (t, interval) => zone.bucketStart(t, interval),
    label: (t) => zone.label(t),
  };
}

function scenarios(end: number): Scenario[] {
  const iso = (t: number) => new Date(t).toISOString();
  // A window end somewhere in the last 60 days, on a whole minute, so windows stay inside the data.
  const endIn = (random: () => number) => Math.floor((end - random() * 60 * 24 * HOUR) / 60_000) * 60_000;
  const pick = <T>(random: () => number, list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const trendsParams = (r: () => number) => {
    const to = endIn(r);
    return { interval: 'hour', from: iso(to - 30 * 24 * HOUR), to: iso(to), tz: 'Asia/Almaty' };
  };
  const trendsDirect = (es: Client, p: Params) =>
    trends(es, PREFIX, {
      from: p['from'] as string,
      to: p['to'] as string,
      interval: 'hour',
      timeZone: p['tz'],
      zone: zoneFor(p['tz'] as string, p['from'] as string, p['to'] as string),
    });
  return [
    { name: 'trends 30 d hourly', path: '/v1/trends', params: trendsParams, direct: trendsDirect },
    { name: 'trends (day cache off)', path: '/v1/trends', uncached: true, params: trendsParams },
    {
      name: 'posts search + filters',
      path: '/v1/posts',
      params: (r) => {
        const to = endIn(r);
        return {
          q: `${pick(r, WORDS)} ${pick(r, WORDS)}`,
          lang: 'ru',
          minViews: '1000',
          narrative: pick(r, NARRATIVES),
          from: iso(to - 30 * 24 * HOUR),
          to: iso(to),
          sort: 'time',
          limit: '50',
        };
      },
      direct: (es, p) =>
        searchPosts(es, PREFIX, {
          filters: {
            from: p['from'],
            to: p['to'],
            narratives: [p['narrative'] as string],
            langs: ['ru'],
            minViews: 1000,
            text: prepareSearchText(p['q'] as string, stemText, normaliseForMatching),
          },
          sort: 'time',
          order: 'desc',
          size: 50,
          trackTotalUpTo: 1000,
        }),
    },
    {
      name: 'channels/top 7 d',
      path: '/v1/channels/top',
      params: (r) => {
        const to = endIn(r);
        return { narrative: pick(r, NARRATIVES), from: iso(to - 7 * 24 * HOUR), to: iso(to) };
      },
    },
    {
      name: 'terms/emerging 1 d vs 30 d',
      path: '/v1/terms/emerging',
      params: (r) => {
        const to = endIn(r);
        return {
          narrative: pick(r, NARRATIVES),
          from: iso(to - 24 * HOUR),
          to: iso(to),
          backgroundFrom: iso(to - 31 * 24 * HOUR),
        };
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
async function startApi(env: Record<string, string>, extraNodeArgs: string[] = []) {
  const base = `http://127.0.0.1:${env['CW_API_PORT']}`;
  const service = await startService({
    main: 'services/api/src/main.ts',
    env,
    healthUrl: `${base}/healthz`,
    nodeArgs: [...(process.env['BENCH_API_NODE_ARGS'] ?? '').split(' ').filter(Boolean), ...extraNodeArgs],
  });
  return { base, stop: service.stop };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

type Figures = { p50: number; p95: number; rps: number; tookP50?: number; tookP95?: number };

/** `requests` calls from CLIENTS concurrent clients after WARMUP untimed ones; latencies in ms. */
async function drive(calls: (() => Promise<void>)[]): Promise<Figures> {
  const warmup = calls.splice(0, WARMUP);
  for (const call of warmup) await call();
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let call = calls.shift(); call; call = calls.shift()) {
        const t = performance.now();
        await call();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), rps: latencies.length / seconds };
}

async function measure(base: string, key: string, scenario: Scenario, requests: number, round: number) {
  const random = rng(scenario.name.length * 7919 + round);
  return drive(
    Array.from({ length: requests + WARMUP }, () => {
      const url = `${base}${scenario.path}?${query(scenario.params(random))}`;
      return async () => {
        const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      };
    }),
  );
}

/** The same requests as `measure` (same seed), straight to Elasticsearch; with its `took` per search. */
async function measureDirect(
  es: Client,
  took: number[],
  scenario: Scenario,
  requests: number,
  round: number,
) {
  const random = rng(scenario.name.length * 7919 + round);
  const direct = scenario.direct as NonNullable<Scenario['direct']>;
  const calls = Array.from({ length: requests + WARMUP }, () => {
    const params = scenario.params(random);
    return async () => {
      await direct(es, params);
    };
  });
  const figures = await drive(calls);
  // Only the timed calls' searches: the warm-up's came first.
  const timed = took
    .splice(0)
    .slice(-requests)
    .sort((a, b) => a - b);
  return { ...figures, tookP50: percentile(timed, 50), tookP95: percentile(timed, 95) };
}

const line = (name: string, r: Figures) =>
  `  ${name.padEnd(40)} p50 ${r.p50.toFixed(1).padStart(7)} ms   p95 ${r.p95.toFixed(1).padStart(7)} ms   ${r.rps.toFixed(0).padStart(5)} req/s${
    r.tookP95 === undefined
      ? ''
      : `   (Elasticsearch took p50 ${r.tookP50?.toFixed(1)} / p95 ${r.tookP95.toFixed(1)} ms)`
  }\n`;

type ProfileNode = { type: string; description?: string; time_in_nanos: number; children?: ProfileNode[] };
type ShardProfile = {
  id: string;
  searches: { query: ProfileNode[]; collector: ProfileNode[] }[];
  aggregations: ProfileNode[];
  fetch?: ProfileNode;
};

/**
 * Where Elasticsearch spends a posts search and a trends query: each sent once more with
 * `profile: true` (the body captured from the query builder's own request), summed over shards.
 */
async function profile(es: Client, end: number) {
  const bodies: { path: string; querystring: unknown; body: unknown }[] = [];
  const capture = (
    _err: unknown,
    result: { meta: { request: { params: { path: string; querystring?: unknown; body?: unknown } } } } | null,
  ) => {
    const params = result?.meta.request.params;
    if (params?.body) bodies.push({ path: params.path, querystring: params.querystring, body: params.body });
  };
  es.diagnostic.on('request', capture);
  for (const scenario of scenarios(end).filter((s) => s.direct)) {
    bodies.length = 0;
    await scenario.direct?.(es, scenario.params(rng(99)));
    const last = bodies[bodies.length - 1];
    if (!last) continue;
    const body = typeof last.body === 'string' ? JSON.parse(last.body) : last.body;
    const answer = (await es.transport.request({
      method: 'POST',
      path: last.path,
      querystring: last.querystring as Record<string, string>,
      body: { ...(body as object), profile: true },
    })) as { took: number; profile: { shards: ShardProfile[] } };
    const ms = (ns: number) => (ns / 1e6).toFixed(2);
    let query = 0;
    let collect = 0;
    let aggs = 0;
    let fetch = 0;
    const parts = new Map<string, number>();
    for (const shard of answer.profile.shards) {
      for (const search of shard.searches) {
        for (const node of search.query) {
          query += node.time_in_nanos;
          for (const child of [node, ...(node.children ?? [])]) {
            const key = `${child.type} ${(child.description ?? '').slice(0, 60)}`;
            if (child !== node) parts.set(key, (parts.get(key) ?? 0) + child.time_in_nanos);
          }
        }
        for (const c of search.collector) collect += c.time_in_nanos;
      }
      for (const a of shard.aggregations) aggs += a.time_in_nanos;
      fetch += shard.fetch?.time_in_nanos ?? 0;
    }
    process.stdout.write(
      `profile ${scenario.name}: took ${answer.took} ms over ${answer.profile.shards.length} shards; query ${ms(query)} ms, collectors ${ms(collect)} ms, aggregations ${ms(aggs)} ms, fetch ${ms(fetch)} ms\n`,
    );
    for (const [key, ns] of [...parts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4)) {
      process.stdout.write(`    ${ms(ns).padStart(8)} ms  ${key}\n`);
    }
  }
  es.diagnostic.off('request', capture);
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
  // CW_BENCH_API_CPU_PROFILE=1: the service (day cache on) writes a CPU profile, summarised at the end.
  const profileDir =
    process.env['CW_BENCH_API_CPU_PROFILE'] === '1'
      ? mkdtempSync(join(tmpdir(), 'cw-bench-prof-'))
      : undefined;
  const server = await startApi(
    { ...env, CW_API_PORT: '19280', CW_API_TRENDS_CACHE_SECONDS: '60' },
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  const uncached = await startApi({ ...env, CW_API_PORT: '19281', CW_API_TRENDS_CACHE_SECONDS: '0' });
  const rounds = Number(process.env['CW_BENCH_API_ROUNDS'] ?? 5);
  process.stdout.write(
    `api bench: ${CLIENTS} concurrent clients, ${requests} requests per endpoint, ${rounds} rounds; "direct" sends the same queries straight to Elasticsearch (same query builders, no service)\n`,
  );
  // The direct path's own client, its searches' `took` collected from the client's events.
  const direct = createEsClient(esUrl, { requestTimeoutMs: 30_000, maxRetries: 0 });
  const took: number[] = [];
  direct.diagnostic.on('response', (_err, result) => {
    const body = result?.body as { took?: number; responses?: { took?: number }[] } | undefined;
    if (typeof body?.took === 'number') took.push(body.took);
  });
  // CW_BENCH_API_ONLY=posts runs only the scenarios whose name contains that word.
  const only = process.env['CW_BENCH_API_ONLY'];
  const chosen = scenarios(end).filter((s) => !only || s.name.includes(only));
  const p95s: Record<string, number[]> = {};
  try {
    for (let round = 1; round <= rounds; round++) {
      process.stdout.write(`round ${round}\n`);
      for (const scenario of chosen) {
        // The other endpoints once: the target (and the service-vs-Elasticsearch split) is for trends and posts.
        if (round > 1 && !scenario.direct) continue;
        const r = await measure((scenario.uncached ? uncached : server).base, key, scenario, requests, round);
        process.stdout.write(line(scenario.name, r));
        if (!scenario.direct) continue;
        const list = p95s[scenario.name] ?? [];
        list.push(r.p95);
        p95s[scenario.name] = list;
        const d = await measureDirect(direct, took, scenario, requests, round);
        process.stdout.write(line(`  direct to Elasticsearch`, d));
        process.stdout.write(
          `  ${'  service share of p50 / p95'.padEnd(40)} ${(r.p50 - d.p50).toFixed(1).padStart(7)} ms        ${(r.p95 - d.p95).toFixed(1).padStart(7)} ms\n`,
        );
      }
    }
    for (const [name, values] of Object.entries(p95s)) {
      const under = values.filter((v) => v <= 100).length;
      process.stdout.write(
        `${name}: p95 per round ${values.map((v) => v.toFixed(1)).join(' / ')} ms; ≤ 100 ms in ${under} of ${values.length}\n`,
      );
    }
    if (process.env['CW_BENCH_API_PROFILE'] === '1') await profile(direct, end);
  } finally {
    await Promise.all([server.stop(), uncached.stop()]);
    await direct.close();
    rmSync(narrativesDir, { recursive: true, force: true });
    const written = profileDir ? mainProfile(profileDir) : undefined;
    if (written) {
      process.stdout.write(`service CPU profile (${written}):\n${summariseCpuProfile(written).join('\n')}\n`);
    }
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
