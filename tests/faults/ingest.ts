// One ingest under test: real pipeline processes on one queue, the collector's replay source
// publishing a generated sample at a steady pace (cursors moved as the collector moves them), and
// what it takes to judge the outcome afterwards.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChannelRegistry, createPublisher, type Publisher, realClock, replayFile } from '@cw/collector';
import type { CollectedPostInput } from '@cw/domain';
import { type Client, indexNames } from '@cw/es';
import { createLogger } from '@cw/logging';
import { QUEUES } from '@cw/queues';
import { createRedis, whenReady } from '@cw/redis';
import { generateSampleChannels } from '@cw/sample-channels';
import { REPO_ROOT } from '@cw/stack';
import { type Job, Queue } from 'bullmq';
import type { Rig } from './rig.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function writeSample(dir: string, options: { days: number; channels: number }) {
  const { events } = generateSampleChannels({
    seed: 42,
    end: new Date('2026-11-24T00:00:00Z'),
    ...options,
  });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `sample-${options.days}d-${options.channels}c.jsonl`);
  writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  return { file, events: events as CollectedPostInput[] };
}

export type Workers = {
  children: ChildProcess[];
  ports: number[];
  /** SIGKILL worker i and wait for it to be gone. */
  kill(i: number): Promise<void>;
  /** SIGTERM every worker still running and wait for them. */
  stop(): Promise<void>;
};

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

/**
 * `count` pipeline services as their containers run them, each its own process with its own ops
 * port. `emptyCacheDir`: an empty folder as CW_CACHE_DIR, so they tag with the rules alone (the
 * narrative encoder would spend the two cores on what these tests do not measure).
 */
export async function startWorkers(
  rig: Rig,
  options: { count: number; prefix: string; opsPortBase: number; emptyCacheDir: string; lockMs?: number },
): Promise<Workers> {
  mkdirSync(options.emptyCacheDir, { recursive: true });
  const ports = Array.from({ length: options.count }, (_, i) => options.opsPortBase + i);
  const children = ports.map((port) =>
    spawn(process.execPath, ['--import', 'tsx', 'services/pipeline/src/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        CW_REDIS_URL: rig.redisUrl,
        CW_ES_URL: rig.esUrl,
        CW_INDEX_PREFIX: options.prefix,
        CW_QUEUE_PREFIX: options.prefix,
        CW_PIPELINE_PORT: String(port),
        CW_PIPELINE_LOCK_MS: String(options.lockMs ?? 2000),
        CW_ES_REPLICAS: '1',
        CW_ES_SHARDS_PER_MONTH: '3',
        CW_CACHE_DIR: options.emptyCacheDir,
        CW_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  for (const port of ports)
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
      60_000,
      `the pipeline worker on ${port}`,
    );
  return {
    children,
    ports,
    async kill(i) {
      const child = children[i];
      if (!child) throw new Error(`no worker ${i}`);
      const gone = exited(child);
      child.kill('SIGKILL');
      await gone;
    },
    async stop() {
      await Promise.all(
        children.map((child) => {
          const gone = exited(child);
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return gone;
        }),
      );
    },
  };
}

/** Batches each worker completed, read from its /metrics (a killed worker reads as undefined). */
export async function batchesPerWorker(workers: Workers): Promise<Array<number | undefined>> {
  return Promise.all(
    workers.ports.map(async (port) => {
      try {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        const line = text.split('\n').find((l) => l.startsWith('cw_pipeline_batches_total{outcome="ok"}'));
        return line ? Number(line.split(' ')[1]) : 0;
      } catch {
        return undefined;
      }
    }),
  );
}

/**
 * The producer side's queue: the catalog's retry policy, but every finished job kept, so the test
 * can read each job's attempts and finishing time afterwards.
 */
export async function observedQueue(rig: Rig, prefix: string) {
  const connection = createRedis(rig.redisUrl, 'client');
  connection.on('error', () => {});
  // A client connection refuses commands until it is ready (no offline queue).
  await whenReady(connection);
  const spec = QUEUES.posts;
  const queue = new Queue(spec.name, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: spec.attempts,
      backoff: spec.backoff,
      removeOnComplete: false,
      removeOnFail: false,
    },
  });
  queue.on('error', () => {});
  return { queue, connection, registry: new ChannelRegistry(connection, prefix) };
}

/**
 * Replays the file through the collector's replay source with cursors, `batch` posts per job and a
 * pause of `everyMs` after each, as a collector publishing live would; Redis errors are retried by
 * the collector's own publisher (it pauses and goes on).
 */
export async function pacedReplay(
  file: string,
  target: Awaited<ReturnType<typeof observedQueue>>,
  options: { batch: number; everyMs: number; onProgress?: (published: number) => void },
) {
  const log = createLogger({ service: 'replay', level: 'silent' });
  const inner = createPublisher({ queue: target.queue, registry: target.registry, log, clock: realClock });
  const paced: Publisher = {
    async publish(source, posts, opts) {
      const jobIds = await inner.publish(source, posts, opts);
      await sleep(options.everyMs);
      return jobIds;
    },
  };
  return replayFile(file, {
    queue: target.queue,
    registry: target.registry,
    batchSize: options.batch,
    publisher: paced,
    log,
    onProgress: (p) => options.onProgress?.(p.published),
  });
}

export type JobStats = {
  jobs: number;
  posts: number;
  /** Posts in batches that were started more than once (after a failed attempt or a stall), per extra start. */
  postsRetried: number;
  /** Jobs that ended failed (after every attempt). */
  failed: number;
  /** Longest time between two completed batches from `from` on, in seconds. */
  longestGapS: number;
};

/** Waits until no job is waiting, active or delayed, then reads every job's history. */
export async function drainAndRead(queue: Queue, from: number, timeoutMs: number): Promise<JobStats> {
  await until(
    async () => {
      const c = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
      return Object.values(c).every((n) => n === 0);
    },
    timeoutMs,
    'the queue to drain',
  );
  const jobs: Job[] = [];
  for (const state of ['completed', 'failed'] as const) {
    for (let start = 0; ; start += 500) {
      const page = await queue.getJobs([state], start, start + 499);
      jobs.push(...page);
      if (page.length < 500) break;
    }
  }
  const posts = (job: Job) => ((job.data as { posts?: unknown[] }).posts ?? []).length;
  const finished = jobs
    .map((j) => j.finishedOn ?? 0)
    .filter((t) => t >= from)
    .sort((a, b) => a - b);
  let longestGap = 0;
  for (let i = 1; i < finished.length; i += 1)
    longestGap = Math.max(longestGap, (finished[i] ?? 0) - (finished[i - 1] ?? 0));
  return {
    jobs: jobs.length,
    posts: jobs.reduce((sum, j) => sum + posts(j), 0),
    postsRetried: jobs.reduce((sum, j) => sum + Math.max(0, (j.attemptsStarted ?? 1) - 1) * posts(j), 0),
    failed: jobs.filter((j) => j.failedReason && !j.finishedOn).length + (await queue.getFailedCount()),
    longestGapS: longestGap / 1000,
  };
}

/**
 * Every channel's cursor against the highest message id of that channel that reached the queue.
 *
 * Read while workers are taking jobs, so the order matters: the cursors first (a batch is enqueued
 * before its cursor moves, so every batch behind a cursor read here is already on the queue), then the
 * states in the order a job passes through them. A job that moves on between two reads is then seen
 * twice, never missed; read the other way round, a job finishing between the "completed" and the
 * "active" read, or a batch enqueued after the jobs were read, showed as a cursor ahead.
 */
export async function cursorsAhead(target: Awaited<ReturnType<typeof observedQueue>>, channelIds: string[]) {
  const cursors = new Map<string, number>();
  for (const id of channelIds) cursors.set(id, await target.registry.cursor(id));
  const reached = new Map<string, number>();
  for (const state of [
    'delayed',
    'wait',
    'prioritized',
    'paused',
    'active',
    'completed',
    'failed',
  ] as const) {
    for (let start = 0; ; start += 500) {
      const page = await target.queue.getJobs([state], start, start + 499);
      for (const job of page)
        for (const post of (job.data as { posts?: CollectedPostInput[] }).posts ?? [])
          reached.set(post.channel.id, Math.max(reached.get(post.channel.id) ?? 0, post.messageId));
      if (page.length < 500) break;
    }
  }
  const ahead: Array<{ channel: string; cursor: number; reached: number }> = [];
  for (const [id, cursor] of cursors) {
    if (cursor > (reached.get(id) ?? 0)) ahead.push({ channel: id, cursor, reached: reached.get(id) ?? 0 });
  }
  return ahead;
}

/** What the index holds: each post's id with its version and deletion, every stored version, rejects. */
export async function indexedState(es: Client, prefix: string) {
  const names = indexNames(prefix);
  await es.indices.refresh({ index: `${prefix}-*` });
  const posts = new Map<string, string>();
  let after: Array<string | number> | undefined;
  for (;;) {
    const page = await es.search<{ editedAt?: string; deletedAt?: string }>({
      index: names.posts,
      ignore_unavailable: true,
      size: 5000,
      version: true,
      _source: ['editedAt', 'deletedAt'],
      sort: [{ id: 'asc' }],
      ...(after ? { search_after: after } : {}),
    });
    for (const hit of page.hits.hits)
      posts.set(
        hit._id ?? '',
        `v${hit._version} e${hit._source?.editedAt ?? '-'} d${hit._source?.deletedAt ?? '-'}`,
      );
    const last = page.hits.hits.at(-1);
    if (!last || page.hits.hits.length < 5000) break;
    after = last.sort as Array<string | number>;
  }
  const versions = await es.search({
    index: names.versions,
    ignore_unavailable: true,
    size: 10_000,
    _source: false,
    sort: ['_doc'],
  });
  const rejects = await es.count({ index: names.rejects, ignore_unavailable: true });
  return {
    posts,
    versions: new Set(versions.hits.hits.map((h) => h._id ?? '')),
    rejects: rejects.count,
  };
}
