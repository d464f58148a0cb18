// `cw demo`: the local stack, the pipeline, the API and the scheduler in this process tree, the
// sample channels replayed through the collector's replay source, then a report checked against
// what the data implies. Every phase is timed; `--json` prints the report as one JSON line.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { replayFile } from '@cw/collector';
import { esAuth, indexSettings, serverUrls } from '@cw/config';
import { ensureEncoder } from '@cw/encoder';
import { clusters, createEsClient, indexNames, installIndices, topChannels } from '@cw/es';
import { createQueue } from '@cw/queues';
import { createRedis, whenReady } from '@cw/redis';
import {
  enqueueDeliveries,
  evaluateSpikes,
  runDigest,
  schedulerConfig,
  spikeSettings,
  startWebhookReceiver,
} from '@cw/scheduler';
import { stackDown, stackPaths, stackUp } from '@cw/stack';
import { type CliConfig, stackOptions } from '../config.ts';
import { indexedCounts } from './counts.ts';
import { progressLine } from './progress.ts';
import { writeSampleChannels } from './sample-data.ts';

export type DemoOptions = {
  serve: boolean;
  days?: number;
  channels?: number;
  apiPort?: number;
  pipelinePort?: number;
  /** Log level of the embedded services: quiet by default, the report is the output. */
  logLevel?: string;
};

type Out = NodeJS.WritableStream & { isTTY?: boolean };

/** Progress goes to `err`; the caller prints the report. */
export async function runDemo(config: CliConfig, options: DemoOptions, err: Out) {
  const phases: Record<string, number> = {};
  let phaseStart = Date.now();
  const phase = (name: string) => {
    phases[name] = Number(((Date.now() - phaseStart) / 1000).toFixed(2));
    phaseStart = Date.now();
  };
  const say = (line: string) => err.write(`${line}\n`);

  // 1. Servers.
  const servers = await stackUp(stackOptions(config), (line) => say(`[stack] ${line}`));
  for (const s of servers) say(`[stack] ${s.name} ${s.version} at ${s.url} (${s.origin})`);
  const startedServers = servers.filter((s) => s.origin === 'started').map((s) => s.name);
  // The narrative encoder, fetched and converted once (the pipeline tags with the rules alone without it).
  await ensureEncoder({ cacheDir: config.CW_CACHE_DIR, report: (line) => say(`[encoder] ${line}`) });
  phase('stack');

  // 2. Sample channels: a month ending at the current hour.
  const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const dir = join(stackPaths(config.CW_CACHE_DIR).root, 'demo');
  const sample = writeSampleChannels(dir, {
    end,
    ...(options.days ? { days: options.days } : {}),
    ...(options.channels ? { channels: options.channels } : {}),
  });
  say(
    `[demo] generated ${sample.truth.posts} posts (${sample.events} events) from ${sample.truth.channels.length} channels → ${sample.file}`,
  );
  phase('generate');

  // 3. A clean demo namespace, and the services embedded in this process.
  const prefix = config.CW_INDEX_PREFIX === 'cw' ? 'cw-demo' : config.CW_INDEX_PREFIX;
  const { redisUrl, esUrl } = serverUrls(config);
  const es = createEsClient(esUrl, esAuth(config));
  const redis = createRedis(redisUrl, 'client');
  await es.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
  await es.indices.deleteIndexTemplate({ name: `${prefix}-*` }).catch(() => {});
  // A client connection refuses commands until it is ready (no offline queue); on a busy machine the
  // deletes above no longer cover the connect.
  await whenReady(redis);
  await deleteKeys(redis, `${prefix}:*`);
  await installIndices(es, prefix, indexSettings(config));

  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const receiver = await startWebhookReceiver({ secret: webhookSecret, host: '127.0.0.1' });
  const apiKey = `cw_demo_${randomBytes(12).toString('hex')}`;
  const { createHash } = await import('node:crypto');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CW_REDIS_URL: redisUrl,
    CW_ES_URL: esUrl,
    CW_INDEX_PREFIX: prefix,
    CW_QUEUE_PREFIX: prefix,
    CW_LOG_LEVEL: options.logLevel ?? 'warn',
    CW_API_KEYS: `demo:${createHash('sha256').update(apiKey).digest('hex')}`,
    CW_API_PORT: String(options.apiPort ?? config.CW_API_PORT),
    CW_WEBHOOKS: JSON.stringify([
      { name: 'demo-receiver', url: receiver.url, secret: webhookSecret, format: 'json' },
    ]),
    CW_WEBHOOK_ALLOW_PRIVATE: 'true',
    CW_DIGEST_DIR: join(dir, 'digests'),
    CW_PIPELINE_PORT: String(options.pipelinePort ?? config.CW_PIPELINE_PORT),
  };
  const pipeline = await import('@cw/pipeline');
  const scheduler = await import('@cw/scheduler');
  const stops: Array<() => Promise<void>> = [];
  stops.push(await pipeline.main(env, { embedded: true }));
  stops.push(await scheduler.main(env, { embedded: true }));
  phase('services');

  // 4. Replay through the collector's replay source onto the posts queue, then wait for the index.
  const queueConnection = createRedis(redisUrl, 'worker');
  const queue = createQueue('posts', { connection: queueConnection, prefix });
  const replayBar = progressLine(err, '[replay] posts queued');
  const replay = await replayFile(sample.file, {
    queue,
    speed: 0,
    onProgress: (p) => replayBar.update(p.published, sample.events),
  });
  replayBar.done(`${replay.published} queued`);
  phase('replay');
  const indexBar = progressLine(err, '[pipeline] batches indexed');
  const jobs = await queue.getJobCountByTypes(
    'completed',
    'failed',
    'wait',
    'active',
    'delayed',
    'prioritized',
  );
  for (;;) {
    const left = await queue.getJobCountByTypes('wait', 'active', 'delayed', 'prioritized');
    indexBar.update(jobs - left, jobs);
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  indexBar.done(`${jobs} batches`);
  const counts = await indexedCounts(es, prefix);
  phase('index');

  // 5. Spike evaluation at the end of the sample month, delivered to the local receiver.
  const webhooksConnection = createRedis(redisUrl, 'client');
  const outbox = { redis: webhooksConnection, prefix };
  const sc = schedulerConfig(env);
  const evaluation = await evaluateSpikes({
    es,
    prefix,
    now: end,
    settings: spikeSettings(sc),
    notify: (id, event) => enqueueDeliveries(outbox, sc.CW_WEBHOOKS, id, event),
  });
  const deadline = Date.now() + 30_000;
  while (receiver.received.length < evaluation.opened.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  phase('alerts');

  // 6. Copy-paste clusters, top channels, the digest of the day.
  const monthFrom = new Date(end.getTime() - (options.days ?? 30) * 86_400_000).toISOString();
  // Forwards are open reposts; copy-paste is the same text posted as each channel's own.
  const found = await clusters(es, prefix, {
    from: monthFrom,
    to: end.toISOString(),
    filters: { isForward: false },
    minChannels: 3,
    size: 5,
  });
  const username = new Map(sample.truth.channels.map((ch) => [ch.id, ch.username]));
  const top = await topChannels(es, prefix, {
    from: monthFrom,
    to: end.toISOString(),
    filters: { narratives: [sample.truth.spike.narrative] },
    size: 5,
  });
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: sc.CW_DIGEST_TZ }).format(
    new Date(end.getTime() - 60_000),
  );
  const digest = await runDigest({
    es,
    prefix,
    date: day,
    timeZone: sc.CW_DIGEST_TZ,
    dir: sc.CW_DIGEST_DIR,
    now: end,
  });
  phase('report');

  const report = {
    prefix,
    posts: counts.posts,
    expectedPosts: sample.truth.posts,
    byLanguage: counts.byLanguage,
    expectedByLanguage: sample.truth.byLanguage,
    byNarrative: counts.byNarrative,
    byTagger: counts.byTagger,
    expectedByNarrative: sample.truth.byNarrative,
    edited: counts.edited,
    deleted: counts.deleted,
    expectedDeleted: sample.truth.deletions,
    forwards: counts.forwards,
    rejects: counts.rejects,
    alerts: evaluation.opened.map((a) => ({
      narrative: a.narrative,
      observed: a.observed,
      expected: Number(a.expected.toFixed(2)),
      score: Number(a.score.toFixed(1)),
      windowStart: a.windowStart,
      windowEnd: a.windowEnd,
    })),
    webhook: {
      received: receiver.received.length,
      verified: receiver.received.length,
      rejected: receiver.rejected.length,
      ids: receiver.received.map((r) => r.id),
    },
    clusters: found.clusters.map((c) => ({
      posts: c.posts,
      channels: c.channels.map((id) => username.get(id) ?? id),
      first: c.first.channel.username ?? c.first.channel.id,
      firstPostedAt: c.first.postedAt,
    })),
    topChannels: top.channels.map((c) => ({
      channel: c.username ?? c.id,
      posts: c.posts,
      share: Number(c.share.toFixed(3)),
      forwards: c.forwards,
    })),
    digest: digest.files,
    spikeTruth: sample.truth.spike,
    campaignTruth: sample.truth.campaign,
    elapsedSeconds: phases,
    /** The workbench with a one-time sign-in link (the key stays out of the URL); set when served. */
    workbenchUrl: undefined as string | undefined,
  };

  const shutdown = async () => {
    for (const stop of stops.reverse()) await stop();
    await receiver.close();
    await queue.close();
    for (const connection of [redis, queueConnection, webhooksConnection]) connection.disconnect();
    await es.close();
    if (startedServers.length > 0)
      await stackDown(stackOptions(config), (l) => say(`[stack] ${l}`), startedServers);
  };

  let api: { close: () => Promise<void>; url: string } | undefined;
  if (options.serve) {
    const { main: apiMain } = await import('@cw/api');
    const stopApi = await apiMain(env, { embedded: true });
    api = { close: async () => stopApi(), url: `http://127.0.0.1:${env['CW_API_PORT']}` };
    report.workbenchUrl = await signInLink(api.url, apiKey);
  }
  return { report, receiver, apiKey, api, shutdown };
}

/** A one-time workbench sign-in link, asked of the API as any key holder would. */
async function signInLink(url: string, apiKey: string): Promise<string> {
  const response = await fetch(`${url}/v1/sign-in-links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}` },
  });
  if (response.status !== 201) throw new Error(`sign-in link: the API answered ${response.status}`);
  const { path } = (await response.json()) as { path: string };
  return `${url}${path}`;
}

async function deleteKeys(redis: ReturnType<typeof createRedis>, pattern: string) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export { indexNames };
