import { type ChildProcess, spawn } from 'node:child_process';
import { compileNarratives, DEFAULT_NARRATIVES_DIR, loadNarrativeDefinitions } from '@cw/enrichment';
import { indexNames, installIndices } from '@cw/es';
import { createLogger } from '@cw/logging';
import { createQueue, enqueue } from '@cw/queues';
import { createRedis } from '@cw/redis';
import { REPO_ROOT } from '@cw/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePost } from '../../../tests/support/posts.ts';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { startTcpProxy } from '../../../tests/support/tcp-proxy.ts';
import { startPostsWorker } from './worker.ts';

// The real service in a child process, as its container would run it.
const ctx = isolatedServers();
const names = indexNames(ctx.prefix);
const queue = createQueue('posts', { connection: createRedis(ctx.redisUrl, 'worker'), prefix: ctx.prefix });

function spawnPipeline(esUrl: string, port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'services/pipeline/src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      CW_REDIS_URL: ctx.redisUrl,
      CW_ES_URL: esUrl,
      CW_INDEX_PREFIX: ctx.prefix,
      CW_QUEUE_PREFIX: ctx.prefix,
      CW_PIPELINE_PORT: String(port),
      CW_PIPELINE_LOCK_MS: '2000',
      CW_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

beforeAll(() => installIndices(ctx.es, ctx.prefix));
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
});

describe('pipeline service process', () => {
  it('stops cleanly on SIGTERM with exit code 143 and no job left active', async () => {
    const child = spawnPipeline(ctx.esUrl, 19_181);
    await until(
      async () => (await fetch('http://127.0.0.1:19181/healthz').catch(() => null))?.ok === true,
      30_000,
      'healthz',
    );
    const metrics = await (await fetch('http://127.0.0.1:19181/metrics')).text();
    expect(metrics).toContain('cw_pipeline_batches_total');
    expect(metrics).toContain('cw_queue_depth');
    const exit = exited(child);
    child.kill('SIGTERM');
    expect((await exit).code).toBe(143);
    expect(await queue.getActiveCount()).toBe(0);
  });

  it('hands a batch held by a worker killed with SIGKILL to another worker; nothing is lost', async () => {
    const es = new URL(ctx.esUrl);
    const proxy = await startTcpProxy({ host: es.hostname, port: Number(es.port) });
    const child = spawnPipeline(proxy.url, 19_182);
    await until(
      async () => (await fetch('http://127.0.0.1:19182/healthz').catch(() => null))?.ok === true,
      30_000,
      'healthz',
    );
    proxy.freeze(); // the child's bulk request now hangs mid-batch
    const posts = Array.from({ length: 40 }, (_, i) => makePost(7000 + i));
    await enqueue(queue, 'posts', { posts, source: 'replay' });
    await until(async () => (await queue.getActiveCount()) === 1, 10_000, 'the child to take the job');
    const exit = exited(child);
    child.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');
    proxy.close();

    const log = createLogger({ service: 'test', level: 'silent' });
    const narratives = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
    const rescuer = startPostsWorker({
      connection: createRedis(ctx.redisUrl, 'worker'),
      prefix: ctx.prefix,
      es: ctx.es,
      indexPrefix: ctx.prefix,
      log,
      concurrency: 1,
      enrichContext: () => ({ narratives }),
      stalledIntervalMs: 1_000,
    });
    try {
      await until(async () => (await queue.getCompletedCount()) === 1, 20_000, 'the stalled job to complete');
      await ctx.es.indices.refresh({ index: `${ctx.prefix}-*` });
      const count = await ctx.es.count({
        index: names.posts,
        query: { range: { messageId: { gte: 7000, lt: 7040 } } },
      });
      expect(count.count).toBe(40);
    } finally {
      await rescuer.close();
    }
  });
});
