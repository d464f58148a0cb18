import { Writable } from 'node:stream';
import { createEsClient } from '@cw/es';
import { createLogger } from '@cw/logging';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../tests/support/ports.ts';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { MAX_HEADER_BYTES } from './app.ts';
import { main } from './main.ts';
import { generateDataset } from './testing/dataset.ts';
import { auth, END, KEY, loadDataset, START, testApp } from './testing/load.ts';

// The HTTP contract: keys, validation, limits, errors that leak nothing, docs and metrics.

const ctx = isolatedServers();
let app: FastifyInstance;

beforeAll(async () => {
  await loadDataset(ctx.es, ctx.prefix, generateDataset({ seed: 7, count: 50, start: START, hours: 24 }));
  app = await testApp(ctx.es, ctx.prefix);
});
afterAll(async () => app?.close());

describe('access', () => {
  it('refuses a request without a key, and one with a wrong key, with 401', async () => {
    const none = await app.inject({ url: '/v1/posts' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const wrong = await app.inject({ url: '/v1/posts', headers: { authorization: `Bearer ${KEY}x` } });
    expect(wrong.statusCode).toBe(401);
    const basic = await app.inject({ url: '/v1/trends', headers: { authorization: `Basic ${KEY}` } });
    expect(basic.statusCode).toBe(401);
    const right = await app.inject({ url: '/v1/posts', headers: auth });
    expect(right.statusCode).toBe(200);
  });

  it('serves health, readiness, metrics and the OpenAPI document without a key', async () => {
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ok' });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('cw_api_request_seconds');
    expect(metrics.body).toContain('cw_api_auth_failures_total{reason="missing"}');
    const doc = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/v1/alerts',
        '/v1/channels/forward-sources',
        '/v1/channels/top',
        '/v1/clusters',
        '/v1/clusters/posts',
        '/v1/feedback',
        '/v1/feedback/precision',
        '/v1/narratives',
        '/v1/posts',
        '/v1/posts/{id}',
        '/v1/sessions',
        '/v1/sign-in-links',
        '/v1/terms/emerging',
        '/v1/trends',
      ].sort(),
    );
    const posts = (
      doc.paths['/v1/posts'] as { get: { parameters: { name: string; description?: string }[] } }
    ).get;
    expect(posts.parameters.find((p) => p.name === 'q')?.description).toMatch(/simple query syntax/);
    expect((await app.inject({ url: '/docs/' })).statusCode).toBe(200);
  });

  it('limits the rate per key', async () => {
    const limited = await testApp(ctx.es, ctx.prefix, { rateLimitPerMinute: 3 });
    const codes = [];
    for (let i = 0; i < 5; i++)
      codes.push((await limited.inject({ url: '/v1/narratives', headers: auth })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    await limited.close();
  });

  it('refuses to start without keys unless CW_API_AUTH=off, naming every bad variable', async () => {
    await expect(main({ CW_ES_URL: ctx.esUrl })).rejects.toThrow(/no API keys configured/);
    await expect(main({ CW_API_KEYS: 'not-a-hash', CW_API_PORT: 'x' })).rejects.toThrow(
      /CW_API_KEYS[\s\S]*CW_API_PORT|CW_API_PORT[\s\S]*CW_API_KEYS/,
    );
  });
});

describe('main', () => {
  it('starts embedded from the environment, serves, and stops without exiting the process', async () => {
    const port = await freePort();
    const stop = await main(
      {
        CW_ES_URL: ctx.esUrl,
        CW_INDEX_PREFIX: ctx.prefix,
        CW_API_AUTH: 'off',
        CW_API_PORT: String(port),
        CW_LOG_LEVEL: 'silent',
      },
      { embedded: true },
    );
    const res = await fetch(`http://127.0.0.1:${port}/v1/narratives`);
    expect(res.status).toBe(200);
    await stop();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});

describe('parameters', () => {
  const bad = async (url: string) => {
    const res = await app.inject({ url, headers: auth });
    expect(res.statusCode, url).toBe(400);
    return (res.json() as { problems: { parameter: string; value: unknown; expected: string }[] }).problems;
  };

  it('names the parameter, the value and what is expected, for every bad one at once', async () => {
    const problems = await bad('/v1/trends?interval=minute&from=yesterday&tz=Mars/Olympus&narativ=x');
    expect(problems).toEqual(
      expect.arrayContaining([
        { parameter: 'interval', value: 'minute', expected: 'expected hour, day or week' },
        expect.objectContaining({ parameter: 'from', value: 'yesterday' }),
        expect.objectContaining({ parameter: 'tz', value: 'Mars/Olympus' }),
        expect.objectContaining({
          parameter: 'narativ',
          expected: expect.stringMatching(/no such parameter/),
        }),
      ]),
    );
  });

  it('refuses unknown narratives, bad numbers, bad cursors and backwards ranges', async () => {
    expect((await bad('/v1/posts?narrative=nope'))[0]).toMatchObject({
      parameter: 'narrative',
      value: ['nope'],
    });
    expect((await bad('/v1/posts?minViews=-1'))[0]?.parameter).toBe('minViews');
    expect((await bad('/v1/posts?limit=100000'))[0]?.parameter).toBe('limit');
    expect((await bad('/v1/posts?cursor=garbage'))[0]?.parameter).toBe('cursor');
    expect((await bad('/v1/posts?from=2026-03-02&to=2026-03-01'))[0]?.parameter).toBe('from');
    const cursor = (
      (await app.inject({ url: `/v1/posts?from=${START}&limit=1&sort=views`, headers: auth })).json() as {
        nextCursor: string;
      }
    ).nextCursor;
    expect((await bad(`/v1/posts?from=${START}&limit=1&sort=time&cursor=${cursor}`))[0]?.expected).toMatch(
      /another sort/,
    );
  });

  it('caps the time range: no hourly trends over months, no range over the configured days', async () => {
    const hourly = await bad('/v1/trends?interval=hour&from=2026-01-01&to=2026-04-05');
    expect(hourly[0]).toMatchObject({
      parameter: 'interval',
      expected: expect.stringMatching(/at most 2200 buckets/),
    });
    const long = await bad('/v1/posts?from=2020-01-01&to=2026-01-01');
    expect(long[0]?.expected).toMatch(/at most 100 days/);
    const ok = await app.inject({
      url: '/v1/trends?interval=day&from=2026-01-01&to=2026-03-31',
      headers: auth,
    });
    expect(ok.statusCode).toBe(200);
  });
});

describe('errors', () => {
  it('answers a body that is not JSON with 415 and one over 1 MiB with 413, as the document says', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const put = doc.paths['/v1/feedback']?.['put']?.responses ?? {};
    expect(Object.keys(put)).toEqual(expect.arrayContaining(['413', '415']));
    expect(Object.keys(doc.paths['/v1/trends']?.['get']?.responses ?? {})).not.toContain('415');
    const text = await app.inject({
      method: 'PUT',
      url: '/v1/feedback',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'postId=1',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ error: 'unsupported_media_type' });
    const big = await app.inject({
      method: 'PUT',
      url: '/v1/feedback',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ postId: 'x'.repeat(1_100_000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('takes the 500 longest post ids the feedback route allows over a real socket, and 431s past the limit', async () => {
    const server = await testApp(ctx.es, ctx.prefix);
    try {
      const url = await server.listen({ port: 0, host: '127.0.0.1' });
      // The longest id the pattern allows: a sign, 20 digits, an underscore, 12 digits.
      const ids = Array.from({ length: 500 }, (_, i) => `-${String(i).padStart(20, '9')}_${'9'.repeat(12)}`);
      const query = ids.map((id) => `postId=${id}`).join('&');
      expect(query.length).toBeGreaterThan(16 * 1024);
      const full = await fetch(`${url}/v1/feedback?${query}`, { headers: auth });
      expect(full.status).toBe(200);
      const over = await fetch(`${url}/v1/feedback?postId=${ids[0]}`, {
        headers: { ...auth, 'x-padding': 'x'.repeat(MAX_HEADER_BYTES) },
      });
      expect(over.status).toBe(431);
    } finally {
      await server.close();
    }
  });

  it('an unreachable Elasticsearch gives 503 without internals; the cause is logged', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).trim().split('\n'));
        done();
      },
    });
    const log = createLogger({ service: 'api-test', level: 'error', destination: sink });
    const dead = createEsClient('http://127.0.0.1:9', { requestTimeoutMs: 2000, maxRetries: 0 });
    const broken = await testApp(dead, ctx.prefix, { log });
    const res = await broken.inject({ url: '/v1/trends', headers: auth });
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toMatch(/ECONNREFUSED|stack|127\.0\.0\.1|at /);
    expect(Object.keys(res.json() as object).sort()).toEqual(['error', 'message', 'requestId']);
    const logged = lines.map((l) => JSON.parse(l) as { err?: { message?: string } });
    expect(logged.some((l) => /ECONNREFUSED|connect/i.test(l.err?.message ?? ''))).toBe(true);
    expect((await broken.inject({ url: '/readyz' })).statusCode).toBe(503);
    await broken.close();
    await dead.close();
  });

  it('a query Elasticsearch refuses gives 500 with a request id and no Elasticsearch message', async () => {
    // An index of this month where views are text, not a number: Elasticsearch refuses to sort on it.
    const prefix = `${ctx.prefix}-odd`;
    const month = START.slice(0, 7).replace('-', '.');
    await ctx.es.indices.create({
      index: `${prefix}-posts-${month}`,
      mappings: {
        properties: { postedAt: { type: 'date' }, metrics: { properties: { views: { type: 'text' } } } },
      },
    });
    await ctx.es.index({
      index: `${prefix}-posts-${month}`,
      document: { postedAt: START, metrics: { views: 'many' } },
      refresh: true,
    });
    const odd = await testApp(ctx.es, prefix);
    const res = await odd.inject({ url: `/v1/posts?sort=views&from=${START}&to=${END}`, headers: auth });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/exception|fielddata|metrics\.views|reason/i);
    await odd.close();
  });
});
