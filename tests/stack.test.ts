import { createLogger } from '@cw/logging';
import { createQueue, createWorker, enqueue } from '@cw/queues';
import { createRedis } from '@cw/redis';
import { QueueEvents } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { isolatedServers } from './support/servers.ts';

const ctx = isolatedServers();

describe('the local stack', () => {
  it('indexes a document in Elasticsearch and finds it again by a word of its text', async () => {
    const index = `${ctx.prefix}-smoke`;
    await ctx.es.index({
      index,
      id: '1',
      document: { text: 'Контракт на службу: выплаты сразу' },
      refresh: 'wait_for',
    });
    const found = await ctx.es.search({ index, query: { match: { text: 'выплаты' } } });
    expect(found.hits.hits.map((h) => h._id)).toEqual(['1']);
    const missing = await ctx.es.search({ index, query: { match: { text: 'погода' } } });
    expect(missing.hits.hits).toHaveLength(0);
  });

  it('runs a BullMQ job end to end: enqueued, processed by a worker, result returned', async () => {
    const log = createLogger({ service: 'test', level: 'silent' });
    const connection = createRedis(ctx.redisUrl, 'worker');
    const queue = createQueue('posts', { connection, prefix: ctx.prefix });
    const events = new QueueEvents('posts', {
      connection: createRedis(ctx.redisUrl, 'worker'),
      prefix: ctx.prefix,
    });
    await events.waitUntilReady();
    const worker = createWorker('posts', async (payload) => ({ count: payload.posts.length }), {
      connection: createRedis(ctx.redisUrl, 'worker'),
      prefix: ctx.prefix,
      log,
    });
    try {
      const job = await enqueue(queue, 'posts', { posts: [{ a: 1 }, { b: 2 }], source: 'replay' });
      await expect(job.waitUntilFinished(events, 10_000)).resolves.toEqual({ count: 2 });
    } finally {
      await worker.close();
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  });

  it('refuses an invalid payload at enqueue time instead of failing a worker later', async () => {
    const connection = createRedis(ctx.redisUrl, 'client');
    const queue = createQueue('posts', { connection, prefix: ctx.prefix });
    try {
      await expect(enqueue(queue, 'posts', { posts: [], source: 'replay' })).rejects.toThrow();
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
