import { indexNames } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { CHANNELS, type GeneratedPost } from './testing/dataset.ts';
import { auth, loadDataset, testApp } from './testing/load.ts';

// Queries with a time window search only the monthly indices it touches. A post lives in the index
// of the month written in its postedAt, which may carry an offset: such a post, in February's index
// though it is 31 January in UTC, must still be found by a January-only window.

const ctx = isolatedServers();
let app: FastifyInstance;

const post = (messageId: number, postedAt: string): GeneratedPost => ({
  channel: CHANNELS[0] as GeneratedPost['channel'],
  messageId,
  postedAt,
  collectedAt: '2026-03-05T00:00:00Z',
  text: `Граница закрыта, колонна стоит, сообщение ${messageId}`,
  media: [],
  metrics: { views: 5, forwards: 0 },
  source: 'replay',
  labels: { narratives: [], lang: 'ru' },
});

const posts = [
  post(1, '2026-01-31T20:30:00Z'),
  post(2, '2026-02-01T02:00:00+05:00'), // 2026-01-31T21:00Z, indexed in February's index
  post(3, '2026-02-01T00:30:00Z'),
  post(4, '2026-03-01T12:00:00Z'),
];

beforeAll(async () => {
  await loadDataset(ctx.es, ctx.prefix, posts);
  app = await testApp(ctx.es, ctx.prefix);
});
afterAll(async () => app?.close());

describe('windows and monthly indices', () => {
  it('lists the months a window touches, a day wider on each side, and the alias when unbounded', () => {
    const names = indexNames('cw');
    expect(names.postsFor('2026-01-10T00:00:00Z', '2026-01-11T00:00:00Z')).toBe('cw-posts-2026.01');
    expect(names.postsFor('2026-01-31T20:00:00Z', '2026-01-31T22:00:00Z')).toBe(
      'cw-posts-2026.01,cw-posts-2026.02',
    );
    expect(names.postsFor('2025-12-31T23:00:00Z', '2026-01-01T01:00:00Z')).toBe(
      'cw-posts-2025.12,cw-posts-2026.01',
    );
    expect(names.postsFor(undefined, '2026-01-11T00:00:00Z')).toBe('cw-posts');
    expect(names.postsFor('2020-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toBe('cw-posts');
  });

  it('the offset-dated post is in February’s index yet found in a January window', async () => {
    const feb = await ctx.es.count({
      index: `${ctx.prefix}-posts-2026.02`,
      query: { ids: { values: [`${CHANNELS[0]?.id}_2`] } },
    });
    expect(feb.count).toBe(1);
    const window = 'from=2026-01-31T20:00:00Z&to=2026-01-31T22:00:00Z';
    const res = await app.inject({
      method: 'GET',
      url: `/v1/posts?${window}&sort=time&order=asc`,
      headers: auth,
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { hits: { messageId: number }[] }).hits.map((h) => h.messageId)).toEqual([1, 2]);
    const trends = await app.inject({
      method: 'GET',
      url: `/v1/trends?interval=hour&${window}`,
      headers: auth,
    });
    expect((trends.json() as { buckets: { total: number }[] }).buckets.map((b) => b.total)).toEqual([1, 1]);
  });

  it('a window over months with no index at all answers empty, not an error', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/v1/posts?from=2025-06-01T00:00:00Z&to=2025-06-02T00:00:00Z',
      headers: auth,
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { hits: unknown[] }).hits).toEqual([]);
  });
});
