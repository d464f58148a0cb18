import { compileNarratives, DEFAULT_NARRATIVES_DIR, loadNarrativeDefinitions } from '@cw/enrichment';
import { type Client, createEsClient, indexNames, installIndices } from '@cw/es';
import { createLogger } from '@cw/logging';
import { createQueue, enqueue } from '@cw/queues';
import { createRedis } from '@cw/redis';
import type { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePost } from '../../../tests/support/posts.ts';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { startTcpProxy } from '../../../tests/support/tcp-proxy.ts';
import { startPostsWorker } from './worker.ts';

const ctx = isolatedServers();
const names = indexNames(ctx.prefix);
const log = createLogger({ service: 'pipeline-test', level: 'silent' });
const narratives = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));

let queue: Queue;
const workers: Worker[] = [];

function startWorker(
  es: Client = ctx.es,
  extra: { lockDurationMs?: number; stalledIntervalMs?: number } = {},
) {
  const worker = startPostsWorker({
    connection: createRedis(ctx.redisUrl, 'worker'),
    prefix: ctx.prefix,
    es,
    indexPrefix: ctx.prefix,
    log,
    concurrency: 2,
    enrichContext: () => ({ narratives }),
    ...extra,
  });
  workers.push(worker);
  return worker;
}

async function drained(timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const c = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    if (Object.values(c).every((n) => n === 0)) {
      await ctx.es.indices.refresh({ index: `${ctx.prefix}-*` });
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`queue not drained: ${JSON.stringify(await queue.getJobCounts())}`);
}

const count = async (index: string, query: object = { match_all: {} }) =>
  (await ctx.es.count({ index, query })).count;

beforeAll(async () => {
  await installIndices(ctx.es, ctx.prefix);
  queue = createQueue('posts', { connection: createRedis(ctx.redisUrl, 'worker'), prefix: ctx.prefix });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await queue.obliterate({ force: true });
  await queue.close();
});

describe('pipeline worker', () => {
  it('turns every enqueued post into exactly one searchable document with all its fields', async () => {
    startWorker();
    const batches = [0, 1, 2, 3].map((b) =>
      Array.from({ length: 50 }, (_, i) => makePost(1000 + b * 50 + i)),
    );
    for (const posts of batches) await enqueue(queue, 'posts', { posts, source: 'replay' });
    await drained();
    const query = { range: { messageId: { gte: 1000, lt: 1200 } } };
    expect(await count(names.posts, query)).toBe(200);
    const doc = (
      await ctx.es.get<Record<string, unknown>>({
        index: names.postsIndex(makePost(1007).postedAt as string),
        id: '-1001234567890_1007',
      })
    )._source;
    expect(doc).toMatchObject({
      id: '-1001234567890_1007',
      url: 'https://t.me/test_news_kz/1007',
      lang: 'ru',
      entities: { urls: ['https://example.kz/n/1007'], domains: ['example.kz'], hashtags: ['алматы'] },
      media: [{ kind: 'photo' }],
      metrics: { views: 1107, forwards: 2 },
      isForward: false,
      narratives: [],
    });
    expect(doc?.['fingerprint']).toMatch(/^[0-9a-f]{16}$/);
    const found = await ctx.es.search({ index: names.posts, query: { match: { text: 'парк' } }, size: 0 });
    expect((found.hits.total as { value: number }).value).toBeGreaterThanOrEqual(200);
  });

  it('indexes a batch delivered three times only once', async () => {
    const posts = Array.from({ length: 30 }, (_, i) => makePost(2000 + i));
    for (let i = 0; i < 3; i += 1) await enqueue(queue, 'posts', { posts, source: 'replay' });
    await drained();
    expect(await count(names.posts, { range: { messageId: { gte: 2000, lt: 2030 } } })).toBe(30);
  });

  it('keeps the newest edit current when edits arrive out of order, with both versions in history', async () => {
    const v1 = makePost(3000, { text: 'Первая версия текста' });
    const v2 = makePost(3000, { text: 'Исправленная версия текста', editedAt: '2026-10-01T09:30:00Z' });
    await enqueue(queue, 'posts', { posts: [v2], source: 'replay' });
    await drained();
    await enqueue(queue, 'posts', { posts: [v1], source: 'replay' });
    await drained();
    const current = await ctx.es.get<{ text: string; isEdited: boolean }>({
      index: names.postsIndex(v1.postedAt as string),
      id: '-1001234567890_3000',
    });
    expect(current._source).toMatchObject({ text: 'Исправленная версия текста', isEdited: true });
    const history = await ctx.es.search<{ text: string }>({
      index: names.versions,
      query: { term: { postId: '-1001234567890_3000' } },
      sort: [{ version: 'asc' }],
    });
    expect(history.hits.hits.map((h) => h._source?.text)).toEqual([
      'Первая версия текста',
      'Исправленная версия текста',
    ]);
  });

  it('appends the replaced version to history when an edit arrives after the original', async () => {
    await enqueue(queue, 'posts', { posts: [makePost(3100, { text: 'Оригинал' })], source: 'replay' });
    await drained();
    const edit = makePost(3100, {
      text: 'Правка',
      editedAt: '2026-10-01T10:00:00Z',
      metrics: { views: 999 },
    });
    await enqueue(queue, 'posts', { posts: [edit], source: 'replay' });
    await drained();
    const history = await ctx.es.search<{ text: string }>({
      index: names.versions,
      query: { term: { postId: '-1001234567890_3100' } },
      sort: [{ version: 'asc' }],
    });
    expect(history.hits.hits.map((h) => h._source?.text)).toEqual(['Оригинал', 'Правка']);
  });

  it('marks a deleted post with deletedAt and keeps it', async () => {
    const post = makePost(3200);
    await enqueue(queue, 'posts', { posts: [post], source: 'replay' });
    await drained();
    await enqueue(queue, 'posts', {
      posts: [{ ...post, deletedAt: '2026-10-03T00:00:00Z' }],
      source: 'replay',
    });
    await drained();
    const doc = await ctx.es.get<{ deletedAt: string; isDeleted: boolean; text: string }>({
      index: names.postsIndex(post.postedAt as string),
      id: '-1001234567890_3200',
    });
    expect(doc._source).toMatchObject({
      deletedAt: '2026-10-03T00:00:00Z',
      isDeleted: true,
      text: expect.stringContaining('№3200'),
    });
  });

  it('indexes the good posts of a batch and sends each malformed one to rejects with its reason', async () => {
    const good = [makePost(4000), makePost(4001)];
    const bad = [
      { ...makePost(4002), messageId: undefined },
      { ...makePost(4003), postedAt: '1999-01-01T00:00:00Z' },
      { ...makePost(4004), text: 'x'.repeat(5000) },
      'not a post at all',
    ];
    await enqueue(queue, 'posts', { posts: [good[0], ...bad, good[1]], source: 'replay' });
    await drained();
    expect(await count(names.posts, { range: { messageId: { gte: 4000, lt: 4010 } } })).toBe(2);
    const rejects = await ctx.es.search<{ reason: string; raw: string }>({ index: names.rejects, size: 20 });
    const reasons = rejects.hits.hits.map((h) => h._source?.reason ?? '');
    expect(reasons).toHaveLength(4);
    expect(reasons.some((r) => r.startsWith('messageId:'))).toBe(true);
    expect(reasons.some((r) => r.includes('impossible date'))).toBe(true);
    expect(reasons.some((r) => r.includes('longer than Telegram allows'))).toBe(true);
    expect(rejects.hits.hits.some((h) => h._source?.raw === '"not a post at all"')).toBe(true);
  });

  it('indexes every post once after Elasticsearch comes back from an outage', async () => {
    const esUrl = new URL(ctx.esUrl);
    const proxy = await startTcpProxy({ host: esUrl.hostname, port: Number(esUrl.port) });
    const flakyEs = createEsClient(proxy.url, { requestTimeoutMs: 2_000 });
    await Promise.all(workers.splice(0).map((w) => w.close()));
    const worker = startWorker(flakyEs);
    await proxy.cut();
    const batches = [0, 1, 2].map((b) => Array.from({ length: 20 }, (_, i) => makePost(5000 + b * 20 + i)));
    for (const posts of batches) await enqueue(queue, 'posts', { posts, source: 'replay' });
    // The batches fail while Elasticsearch is away and wait in the delayed set for their retry.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await count(names.posts, { range: { messageId: { gte: 5000, lt: 5060 } } })).toBe(0);
    await proxy.restore();
    await drained(60_000);
    expect(await count(names.posts, { range: { messageId: { gte: 5000, lt: 5060 } } })).toBe(60);
    expect((await queue.getJobCounts('failed')).failed).toBe(0);
    await worker.close();
    proxy.close();
    startWorker();
  });
});
