import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { CHANNELS, type GeneratedPost, NARRATIVES } from './testing/dataset.ts';
import { auth, COPY_TEXT, dataset, END, loadDataset, START, testApp } from './testing/load.ts';

// The endpoints over a real Elasticsearch loaded with a generated set; every expected number is
// computed from the generated data, not from Elasticsearch.

const ctx = isolatedServers();
const posts = dataset();
let app: FastifyInstance;

beforeAll(async () => {
  await loadDataset(ctx.es, ctx.prefix, posts);
  app = await testApp(ctx.es, ctx.prefix);
});
afterAll(async () => app?.close());

async function get(url: string) {
  const res = await app.inject({ method: 'GET', url, headers: auth });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res;
}
const json = async <T = Record<string, unknown>>(url: string) => (await get(url)).json() as T;
const HOUR = 3600_000;
const t = (p: GeneratedPost) => Date.parse(p.postedAt);
const range = `from=${START}&to=${END}`;

type Trends = {
  keys: string[];
  buckets: { start: string; total: number; counts: Record<string, number>; shares: Record<string, number> }[];
  totals: { posts: number };
};

describe('GET /v1/trends', () => {
  it('counts per hour and narrative equal the generated labels, with totals of all posts', async () => {
    const body = await json<Trends>(`/v1/trends?interval=hour&${range}`);
    expect(body.buckets).toHaveLength(72);
    expect(body.totals.posts).toBe(posts.length);
    body.buckets.forEach((bucket, h) => {
      const inHour = posts.filter((p) => Math.floor((t(p) - Date.parse(START)) / HOUR) === h);
      expect(bucket.total).toBe(inHour.length);
      for (const n of NARRATIVES) {
        const expected = inHour.filter((p) => p.labels.narratives.includes(n)).length;
        expect(bucket.counts[n] ?? 0, `hour ${h} ${n}`).toBe(expected);
        if (bucket.total > 0) expect(bucket.shares[n]).toBeCloseTo(expected / bucket.total, 5);
      }
    });
  });

  it('cuts days at midnight of the requested time zone (Asia/Almaty, UTC+5)', async () => {
    const body = await json<Trends>(`/v1/trends?interval=day&tz=Asia/Almaty&${range}`);
    const day = (p: GeneratedPost) => Math.floor((t(p) + 5 * HOUR) / (24 * HOUR));
    const first = day(posts.reduce((a, b) => (t(a) < t(b) ? a : b)));
    expect(body.buckets[0]?.start).toBe('2026-03-01T00:00:00+05:00');
    expect(body.buckets).toHaveLength(4);
    body.buckets.forEach((bucket, i) => {
      const inDay = posts.filter((p) => day(p) === first + i);
      expect(bucket.total).toBe(inDay.length);
      expect(bucket.counts['alpha_claims'] ?? 0).toBe(
        inDay.filter((p) => p.labels.narratives.includes('alpha_claims')).length,
      );
    });
  });

  it('splits by channel within one narrative and language; the total still counts every narrative', async () => {
    const body = await json<Trends>(
      `/v1/trends?interval=day&split=channel&narrative=beta_claims&lang=ru&${range}`,
    );
    const dayOf = (p: GeneratedPost) => Math.floor((t(p) - Date.parse(START)) / (24 * HOUR));
    body.buckets.forEach((bucket, d) => {
      const inDay = posts.filter((p) => dayOf(p) === d && p.labels.lang === 'ru');
      expect(bucket.total).toBe(inDay.length);
      for (const c of CHANNELS) {
        const expected = inDay.filter(
          (p) => p.channel.id === c.id && p.labels.narratives.includes('beta_claims'),
        ).length;
        expect(bucket.counts[c.id] ?? 0).toBe(expected);
      }
    });
  });

  it('answers CSV, one row per bucket and series, when asked with Accept: text/csv', async () => {
    const res = await app.inject({
      url: `/v1/trends?interval=day&${range}`,
      headers: { ...auth, accept: 'text/csv' },
    });
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('start,narrative,count,total,share');
    expect(lines).toHaveLength(1 + 3 * NARRATIVES.length);
  });
});

describe('GET /v1/posts', () => {
  async function pageAll(query: string) {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const body = await json<{ hits: { id: string }[]; nextCursor?: string; total: { value: number } }>(
        `/v1/posts?${query}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      ids.push(...body.hits.map((h) => h.id));
      cursor = body.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error('too many pages');
  }
  const idOf = (p: GeneratedPost) => `${p.channel.id}_${p.messageId}`;

  it('pages through every hit exactly once (sort by views, many equal values across pages)', async () => {
    const ids = await pageAll(`${range}&lang=ru&sort=views&limit=37`);
    const expected = posts.filter((p) => p.labels.lang === 'ru').map(idOf);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
  });

  it('pages through every post in time order, oldest first', async () => {
    const ids = await pageAll(`${range}&sort=time&order=asc&limit=100`);
    const expected = [...posts].sort((a, b) => t(a) - t(b) || idOf(a).localeCompare(idOf(b))).map(idOf);
    expect(ids).toEqual(expected);
  });

  it('pages through relevance-sorted hits exactly once (float scores survive the cursor)', async () => {
    const ids = await pageAll(`${range}&q=${encodeURIComponent('наводнение улицы')}&limit=4`);
    const expected = posts.filter((p) => p.text.startsWith('наводнение')).map(idOf);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
  });

  it('combines filters: narrative, channel, forward, minViews, deleted', async () => {
    const body = await json<{
      total: { value: number };
      hits: { id: string; url: string; narrativeEvidence: { narrative: string }[] }[];
    }>(
      `/v1/posts?${range}&narrative=alpha_claims&channel=chan_bravo,${CHANNELS[2]?.id}&forward=false&minViews=2000&limit=500`,
    );
    const expected = posts.filter(
      (p) =>
        p.labels.narratives.includes('alpha_claims') &&
        [CHANNELS[1]?.id, CHANNELS[2]?.id].includes(p.channel.id) &&
        !p.forward &&
        (p.metrics.views ?? 0) >= 2000,
    );
    expect(body.total.value).toBe(expected.length);
    expect(body.hits.map((h) => h.id).sort()).toEqual(expected.map(idOf).sort());
    expect(body.hits[0]?.url).toMatch(/^https:\/\/t\.me\/chan_/);
    expect(body.hits[0]?.narrativeEvidence.map((e) => e.narrative)).toContain('alpha_claims');
    const deleted = await json<{ total: { value: number } }>(`/v1/posts?${range}&deleted=true&limit=1`);
    expect(deleted.total.value).toBe(posts.filter((p) => p.deletedAt).length);
    const edited = await json<{ total: { value: number } }>(`/v1/posts?${range}&edited=true&limit=1`);
    expect(edited.total.value).toBe(posts.filter((p) => p.editedAt).length);
  });

  it.each([
    ['контракт', 10_001],
    ['контракта', 10_001],
    ['КОНТРАКТОМ', 10_001],
    ['келісімшарт', 10_002],
    ['келісімшартқа', 10_002],
    ['"подписал контракт"', 10_001],
  ])('finds other word forms: %s', async (q, messageId) => {
    const body = await json<{ hits: { messageId: number }[] }>(
      `/v1/posts?${range}&q=${encodeURIComponent(q)}`,
    );
    expect(body.hits.map((h) => h.messageId)).toContain(messageId);
  });

  it('injection attempts in q are words, not queries: no error, no match-all', async () => {
    const attempts = [
      '*:*',
      '*',
      '_exists_:text',
      'text:* OR _id:*',
      '{"script":{"source":"Thread.sleep(10000)"}}',
      'a* b* c* d* e* f* g*',
      '**********',
      `${'a'.repeat(400)}*`,
      '((((("',
      '\\',
      '~ ~2 -* +* |*',
    ];
    for (const q of attempts) {
      const res = await app.inject({ url: `/v1/posts?${range}&q=${encodeURIComponent(q)}`, headers: auth });
      expect(res.statusCode, q).toBe(200);
      const body = res.json() as { total: { value: number } };
      expect(body.total.value, q).toBeLessThan(posts.length / 2);
    }
    const tooMany = await app.inject({
      url: `/v1/posts?q=${encodeURIComponent('w '.repeat(40))}`,
      headers: auth,
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('answers CSV with a next-cursor header and formula-safe cells', async () => {
    const res = await app.inject({ url: `/v1/posts?${range}&limit=5&format=csv`, headers: auth });
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['x-next-cursor']).toBeTruthy();
    expect(res.body.trim().split('\r\n')).toHaveLength(6);
  });
});

describe('other endpoints', () => {
  it('channels/top: posts, share and forwards per channel equal the generated data', async () => {
    const body = await json<{
      narrativePosts: number;
      channels: { id: string; posts: number; share: number; forwards: number; channelPosts: number }[];
    }>(`/v1/channels/top?${range}&narrative=beta_claims`);
    const beta = posts.filter((p) => p.labels.narratives.includes('beta_claims'));
    expect(body.narrativePosts).toBe(beta.length);
    expect(body.channels.length).toBe(CHANNELS.length);
    for (const row of body.channels) {
      const mine = beta.filter((p) => p.channel.id === row.id);
      expect(row.posts).toBe(mine.length);
      expect(row.share).toBeCloseTo(mine.length / beta.length, 9);
      expect(row.forwards).toBe(mine.filter((p) => p.forward).length);
      expect(row.channelPosts).toBe(posts.filter((p) => p.channel.id === row.id).length);
    }
    expect(body.channels.map((c) => c.posts)).toEqual(
      [...body.channels.map((c) => c.posts)].sort((a, b) => b - a),
    );
  });

  it('clusters: the copy-paste campaign, largest first, with its channels and first poster', async () => {
    const body = await json<{
      clusters: { posts: number; channels: string[]; first: { id: string; text: string } }[];
    }>(`/v1/clusters?${range}`);
    const campaign = body.clusters.find((c) => c.first.text.startsWith(COPY_TEXT.slice(0, 20)));
    expect(campaign).toBeDefined();
    expect(campaign?.posts).toBe(4);
    expect(campaign?.channels).toEqual([CHANNELS[1]?.id, CHANNELS[2]?.id, CHANNELS[3]?.id].sort());
    expect(campaign?.first.id).toBe(`${CHANNELS[3]?.id}_10005`);
    expect(body.clusters[0]?.posts).toBeGreaterThanOrEqual(4);
  });

  it('terms/emerging: a word new in the last 12 hours rises against the background', async () => {
    const body = await json<{ terms: { term: string; docCount: number }[] }>(
      `/v1/terms/emerging?from=${new Date(Date.parse(END) - 24 * HOUR).toISOString()}&to=${END}&backgroundFrom=${START}`,
    );
    expect(body.terms.map((x) => x.term).slice(0, 5)).toContain('наводнение');
  });

  it('narratives: definitions with posts in the last 24 hours and 7 days', async () => {
    const body = await json<{ narratives: { id: string; volume: { last24h: number; last7d: number } }[] }>(
      '/v1/narratives',
    );
    expect(body.narratives.map((n) => n.id)).toEqual(NARRATIVES);
    for (const n of body.narratives) {
      const all = posts.filter((p) => p.labels.narratives.includes(n.id));
      expect(n.volume.last7d).toBe(all.length);
      expect(n.volume.last24h).toBe(all.filter((p) => t(p) >= Date.parse(END) - 24 * HOUR).length);
    }
  });

  it('alerts: newest first, paged by cursor', async () => {
    const alerts = [1, 2, 3].map((i) => ({
      id: `a${i}`,
      narrative: 'alpha_claims',
      status: 'open',
      firstSeenAt: new Date(Date.parse(START) + i * HOUR).toISOString(),
      observed: 10 * i,
    }));
    for (const a of alerts) await ctx.es.index({ index: `${ctx.prefix}-alerts`, id: a.id, document: a });
    await ctx.es.indices.refresh({ index: `${ctx.prefix}-alerts` });
    const first = await json<{ alerts: { id: string }[]; nextCursor: string }>('/v1/alerts?limit=2');
    expect(first.alerts.map((a) => a.id)).toEqual(['a3', 'a2']);
    const second = await json<{ alerts: { id: string }[]; nextCursor?: string }>(
      `/v1/alerts?limit=2&cursor=${first.nextCursor}`,
    );
    expect(second.alerts.map((a) => a.id)).toEqual(['a1']);
    expect(second.nextCursor).toBeUndefined();
  });
});
