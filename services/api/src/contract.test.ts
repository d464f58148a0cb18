import { connect, createServer, type Server, type Socket } from 'node:net';
import { createEsClient } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { createBreaker } from './breaker.ts';
import { generateDataset } from './testing/dataset.ts';
import { auth, END, KEY, loadDataset, START, testApp } from './testing/load.ts';

// What an outside fuzzer found (issue 17), each held here: bad input is a 400 naming the parameter,
// a partial answer is no answer, methods and sign-ins are limited, Elasticsearch down is a fast 503.

const ctx = isolatedServers();
let app: FastifyInstance;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  await loadDataset(ctx.es, ctx.prefix, generateDataset({ seed: 11, count: 80, start: START, hours: 48 }));
  app = await testApp(ctx.es, ctx.prefix);
});
afterAll(async () => app?.close());

const get = (url: string, headers: Record<string, string> = auth) => app.inject({ url, headers });
const problems = async (url: string) => {
  const res = await get(url);
  expect(res.statusCode, url).toBe(400);
  return (res.json() as { problems: { parameter: string }[] }).problems.map((p) => p.parameter);
};

describe('alerts (2)', () => {
  it('refuses a crafted cursor, a year past 9999 and a backwards or century-long window', async () => {
    expect(await problems(`/v1/alerts?cursor=${b64({ s: 'alerts', v: ['x', 'x'] })}`)).toEqual(['cursor']);
    expect(await problems(`/v1/alerts?cursor=${b64({ s: 'alerts', v: [1e300, 'a'] })}`)).toEqual(['cursor']);
    expect(
      (await get(`/v1/alerts?cursor=${b64({ s: 'alerts', v: [1_772_000_000_000, 'a'] })}`)).statusCode,
    ).toBe(200);
    expect(await problems('/v1/alerts?from=9999-12-31T23:00:00-05:00')).toEqual(['from']);
    expect(await problems('/v1/alerts?from=2026-03-02&to=2026-03-01')).toEqual(['from']);
    expect(await problems('/v1/alerts?from=2000-01-01&to=2099-01-01')).toEqual(['from']);
    expect((await get('/v1/alerts?from=2026-03-01&to=2026-03-02')).statusCode).toBe(200);
  });
});

describe('posts (3)', () => {
  it('refuses a tampered cursor instead of letting it fail a shard', async () => {
    for (const v of [
      ['x', 'y'],
      [1_772_000_000_000, 'x'],
      [1e300, '-100_1'],
    ]) {
      expect(await problems(`/v1/posts?cursor=${b64({ s: 'time:desc', v })}`)).toEqual(['cursor']);
    }
    expect(
      await problems(`/v1/posts?sort=views&cursor=${b64({ s: 'views:desc', v: [1.5, '-100_1'] })}`),
    ).toEqual(['cursor']);
    expect(
      (await get(`/v1/posts?cursor=${b64({ s: 'time:desc', v: [1_772_000_000_000, '-100_1'] })}`)).statusCode,
    ).toBe(200);
  });

  it('answers 503, not a partial 200, when a shard fails', async () => {
    // Two months in the window; in April's index views are text, so sorting on them fails there only.
    const prefix = `${ctx.prefix}-part`;
    const views = (type: 'long' | 'text') => ({
      mappings: {
        properties: {
          postedAt: { type: 'date' as const },
          id: { type: 'keyword' as const },
          metrics: { properties: { views: { type } } },
        },
      },
    });
    await ctx.es.indices.create({ index: `${prefix}-posts-2026.03`, ...views('long') });
    await ctx.es.indices.create({ index: `${prefix}-posts-2026.04`, ...views('text') });
    await ctx.es.index({
      index: `${prefix}-posts-2026.03`,
      document: { id: '-1_1', postedAt: '2026-03-20T00:00:00Z', metrics: { views: 5 } },
    });
    await ctx.es.index({
      index: `${prefix}-posts-2026.04`,
      document: { id: '-1_2', postedAt: '2026-04-02T00:00:00Z', metrics: { views: 'many' } },
    });
    await ctx.es.indices.refresh({ index: `${prefix}-*` });
    const partial = await testApp(ctx.es, prefix);
    const res = await partial.inject({
      url: '/v1/posts?sort=views&from=2026-03-15&to=2026-04-10',
      headers: auth,
    });
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toMatch(/fielddata|exception/);
    await partial.close();
  });
});

describe('strict parameters (4)', () => {
  it('refuses an empty number, exponents, hexadecimal and dates that do not exist', async () => {
    expect(await problems('/v1/posts?minViews=')).toEqual(['minViews']);
    expect(await problems('/v1/posts?limit=1e2')).toEqual(['limit']);
    expect(await problems('/v1/posts?limit=0x10')).toEqual(['limit']);
    expect(await problems('/v1/posts?limit=10.0')).toEqual(['limit']);
    expect(await problems('/v1/posts?from=2026-02-30')).toEqual(['from']);
    expect(await problems('/v1/posts?from=2026-02-28T24:00:00Z')).toEqual(['from']);
    expect(await problems('/v1/trends?from=2025-02-29')).toEqual(['from']);
    expect((await get('/v1/posts?from=2026-02-28&to=2026-03-02&limit=016&minViews=0')).statusCode).toBe(200);
    expect((await get('/v1/trends?from=2024-02-29&to=2024-03-02')).statusCode).toBe(200);
  });
});

describe('methods (5)', () => {
  it('answers TRACE, POST and DELETE on a known path with 405 and Allow', async () => {
    for (const method of ['TRACE', 'POST', 'DELETE', 'PUT'] as const) {
      const res = await app.inject({ method, url: '/v1/posts', headers: auth });
      expect(res.statusCode, method).toBe(405);
      expect(res.headers['allow']).toMatch(/GET/);
    }
    expect((await app.inject({ method: 'GET', url: '/v1/nothing', headers: auth })).statusCode).toBe(404);
  });

  it('answers 405 with Allow on a path with a parameter too (/v1/posts/{id})', async () => {
    for (const method of ['TRACE', 'DELETE', 'POST'] as const) {
      const res = await app.inject({ method, url: '/v1/posts/-1001000000010_1', headers: auth });
      expect(res.statusCode, method).toBe(405);
      expect(res.headers['allow']).toBe('GET, HEAD');
    }
    expect((await app.inject({ method: 'DELETE', url: '/v1/posts/a/b', headers: auth })).statusCode).toBe(
      404,
    );
  });
});

describe('failed sign-ins (6)', () => {
  it('are counted per address before authentication, across replicas through Redis', async () => {
    const shared = { redis: ctx.redis, redisPrefix: `${ctx.prefix}-rl`, signInFailuresPerMinute: 3 };
    const a = await testApp(ctx.es, ctx.prefix, shared);
    const b = await testApp(ctx.es, ctx.prefix, shared);
    const from = (server: FastifyInstance, key: string, remoteAddress: string) =>
      server.inject({ url: '/v1/narratives', headers: { authorization: `Bearer ${key}` }, remoteAddress });
    const codes = [];
    for (const server of [a, b, a, b]) codes.push((await from(server, 'guess', '10.0.0.7')).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
    // Blocked means blocked: a right key from that address would confirm a guess.
    const blocked = await from(a, KEY, '10.0.0.7');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from(b, KEY, '10.0.0.8')).statusCode).toBe(200);
    expect(await ctx.redis.keys(`${ctx.prefix}-rl:api-rate:*signin:10.0.0.7`)).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it('shares the per-key request limit between replicas', async () => {
    const shared = { redis: ctx.redis, redisPrefix: `${ctx.prefix}-rk`, rateLimitPerMinute: 3 };
    const a = await testApp(ctx.es, ctx.prefix, shared);
    const b = await testApp(ctx.es, ctx.prefix, shared);
    const codes = [];
    for (const server of [a, b, a, b])
      codes.push((await server.inject({ url: '/v1/narratives', headers: auth })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    await a.close();
    await b.close();
  });
});

describe('channels (7)', () => {
  it('match usernames whatever their case', async () => {
    const total = async (channel: string) =>
      (
        (await get(`/v1/posts?channel=${channel}&from=${START}&to=${END}`)).json() as {
          total: { value: number };
        }
      ).total.value;
    const lower = await total('chan_alpha');
    expect(lower).toBeGreaterThan(0);
    expect(await total('CHAN_ALPHA')).toBe(lower);
    expect(await total('Chan_Alpha,chan_bravo')).toBe(lower + (await total('chan_bravo')));
  });
});

describe('CSV (8)', () => {
  it('keeps post ids as in the JSON', async () => {
    const url = `/v1/posts?from=${START}&to=${END}&limit=30`;
    const json = ((await get(url)).json() as { hits: { id: string }[] }).hits.map((h) => h.id);
    const csv = (await get(`${url}&format=csv`)).body.replace(/^\uFEFF/, '');
    const ids = csv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(',')[0]);
    expect(json.length).toBeGreaterThan(0);
    expect(json[0]).toMatch(/^-/);
    expect(ids).toEqual(json);
  });
});

/** A TCP relay to Elasticsearch that can be cut and restored on the same port. */
function relay(target: URL) {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  let port = 0;
  return {
    url: () => `http://127.0.0.1:${port}`,
    async up() {
      server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    },
    async down() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    },
  };
}

describe('Elasticsearch unreachable (9)', () => {
  it('answers 503 after one attempt, opens the breaker, says not ready, and recovers without a restart', async () => {
    const proxy = relay(new URL(ctx.esUrl));
    await proxy.up();
    const es = createEsClient(proxy.url(), { requestTimeoutMs: 5000, maxRetries: 0 });
    let attempts = 0;
    es.diagnostic.on('request', () => {
      attempts += 1;
    });
    let now = 0;
    const breaker = createBreaker({ failures: 3, openMs: 5000, now: () => now });
    const served = await testApp(es, ctx.prefix, { breaker });
    const posts = () => served.inject({ url: `/v1/posts?from=${START}&to=${END}`, headers: auth });
    expect((await posts()).statusCode).toBe(200);

    await proxy.down();
    attempts = 0;
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await posts()).statusCode);
    expect(codes).toEqual([503, 503, 503]);
    expect(attempts).toBe(3); // one each: no retries on a refused connection
    expect(breaker.state()).toBe('open');
    const fast = await posts();
    expect(fast.statusCode).toBe(503);
    expect(fast.headers['retry-after']).toBe('5');
    expect(attempts).toBe(3); // the breaker answered without asking Elasticsearch
    const ready = await served.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ elasticsearch: 'unreachable', breaker: 'open' });

    await proxy.up();
    // /readyz probes even while the breaker is open, and its answer closes it.
    expect((await served.inject({ url: '/readyz' })).statusCode).toBe(200);
    expect(breaker.state()).toBe('closed');
    expect((await posts()).statusCode).toBe(200);

    // And without /readyz: after openMs one request goes through as a probe.
    await proxy.down();
    for (let i = 0; i < 3; i++) await posts();
    expect(breaker.state()).toBe('open');
    await proxy.up();
    expect((await posts()).statusCode).toBe(503);
    now += 5000;
    expect((await posts()).statusCode).toBe(200);
    expect(breaker.state()).toBe('closed');
    await served.close();
    await es.close();
    await proxy.down();
  });
});
