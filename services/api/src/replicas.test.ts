import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedis } from '@cw/redis';
import { REPO_ROOT } from '@cw/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../tests/support/ports.ts';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { hashApiKey, parseApiKeys } from './auth.ts';
import { dataset, END, KEY, loadDataset, START, testApp } from './testing/load.ts';

// Two API replicas behind no proxy: two processes started as their containers start them
// (`node --import tsx services/api/src/main.ts`), each on its own port, on the same Redis and
// Elasticsearch. Whatever a client does on one must hold on the other.

const ctx = isolatedServers();
const RATE_LIMIT = 12;
const SIGNIN_FAILURES = 3;
const keys = {
  rate: `cw_rate_${randomBytes(8).toString('hex')}`,
  answers: `cw_answers_${randomBytes(8).toString('hex')}`,
  signin: `cw_signin_${randomBytes(8).toString('hex')}`,
};
const cacheDir = mkdtempSync(join(tmpdir(), 'cw-replicas-'));

type Replica = { url: string; child: ChildProcess; exited: Promise<number | null> };
let replicas: [Replica, Replica];

async function startReplica(): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/api/src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      CW_REDIS_URL: ctx.redisUrl,
      CW_ES_URL: ctx.esUrl,
      CW_INDEX_PREFIX: ctx.prefix,
      CW_QUEUE_PREFIX: ctx.prefix,
      CW_API_PORT: String(port),
      CW_API_KEYS: Object.entries(keys)
        .map(([name, key]) => `${name}:${hashApiKey(key)}`)
        .join(','),
      CW_API_RATE_LIMIT: String(RATE_LIMIT),
      CW_API_SIGNIN_FAILURES: String(SIGNIN_FAILURES),
      CW_CACHE_DIR: cacheDir,
      CW_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (
    !(await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null)
      throw new Error(`API replica exited with ${child.exitCode} before it was ready`);
    if (Date.now() > deadline) throw new Error(`API replica on ${url} not ready within 90 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, exited };
}

const call = (replica: Replica, path: string, init: { key?: string; method?: string; body?: unknown } = {}) =>
  fetch(replica.url + path, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
const trade = (replica: Replica, token: string) =>
  call(replica, '/v1/sessions', { method: 'POST', body: { token } });

beforeAll(async () => {
  await loadDataset(ctx.es, ctx.prefix, dataset());
  // One after the other: two start-ups installing templates at once timed out (15 s) on the shared,
  // loaded Elasticsearch of a full test run.
  const a = await startReplica();
  replicas = [a, await startReplica()];
}, 180_000);

afterAll(async () => {
  const codes = await Promise.all(
    (replicas ?? []).map((r) => {
      if (r.child.exitCode === null) r.child.kill('SIGTERM');
      return r.exited;
    }),
  );
  rmSync(cacheDir, { recursive: true, force: true });
  // A clean stop on SIGTERM: 128 + 15.
  expect(codes.every((code) => code === 143)).toBe(true);
});

describe('two API replicas on one Redis and Elasticsearch', () => {
  it('give the same answers to the same requests', async () => {
    const [a, b] = replicas;
    const window = `from=${START}&to=${END}`;
    const paths = [
      '/v1/narratives',
      `/v1/posts?${window}&limit=20`,
      `/v1/trends?${window}&interval=day`,
      `/v1/channels/top?${window}`,
      `/v1/clusters?${window}&minChannels=2`,
    ];
    for (const path of paths) {
      const [fromA, fromB] = await Promise.all([a, b].map((r) => call(r, path, { key: keys.answers })));
      expect(fromA?.status, path).toBe(200);
      expect(fromB?.status, path).toBe(200);
      expect(await fromB?.json(), path).toEqual(await fromA?.json());
    }
    const posts = (await (await call(a, `/v1/posts?${window}&limit=20`, { key: keys.answers })).json()) as {
      hits: unknown[];
    };
    expect(posts.hits).toHaveLength(20);
  });

  it('share one per-key rate limit: the (limit+1)th request is refused on either replica', async () => {
    const [a, b] = replicas;
    const codes: number[] = [];
    for (let i = 0; i < RATE_LIMIT; i++)
      codes.push((await call(i % 2 ? b : a, '/v1/narratives', { key: keys.rate })).status);
    expect(codes).toEqual(Array(RATE_LIMIT).fill(200));
    const overA = await call(a, '/v1/narratives', { key: keys.rate });
    const overB = await call(b, '/v1/narratives', { key: keys.rate });
    expect([overA.status, overB.status]).toEqual([429, 429]);
    expect(((await overB.json()) as { error: string }).error).toBe('rate_limited');
    // Per key: another key is not held back by it.
    expect((await call(b, '/v1/narratives', { key: keys.answers })).status).toBe(200);
  });

  it('redeem a sign-in link made on one replica on the other, exactly once; the session works on both', async () => {
    const [a, b] = replicas;
    const made = await call(a, '/v1/sign-in-links', { method: 'POST', key: keys.signin });
    expect(made.status).toBe(201);
    const { token } = (await made.json()) as { token: string };
    const first = await trade(b, token);
    expect(first.status).toBe(201);
    const { session, name } = (await first.json()) as { session: string; name: string };
    expect(name).toBe('signin');
    expect((await trade(a, token)).status).toBe(401);
    expect((await trade(b, token)).status).toBe(401);
    for (const replica of [a, b])
      expect((await call(replica, '/v1/narratives', { key: session })).status).toBe(200);

    // Two browsers racing with the same link on both replicas: one session, the rest refused.
    const raced = (await (
      await call(b, '/v1/sign-in-links', { method: 'POST', key: keys.signin })
    ).json()) as { token: string };
    const codes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => trade(i % 2 ? a : b, raced.token).then((r) => r.status)),
    );
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 401)).toHaveLength(7);
  });

  it('keep a session when the replica that made it restarts', async () => {
    const [a, b] = replicas;
    const { token } = (await (
      await call(a, '/v1/sign-in-links', { method: 'POST', key: keys.signin })
    ).json()) as { token: string };
    const { session } = (await (await trade(a, token)).json()) as { session: string };
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(143);
    const restarted = await startReplica();
    replicas = [restarted, b];
    expect((await call(restarted, '/v1/narratives', { key: session })).status).toBe(200);
  });

  // Last: it blocks this address (every request of this file comes from 127.0.0.1) for a minute.
  it('count failed sign-ins from one address across both, and then block it on both', async () => {
    const [a, b] = replicas;
    const codes: number[] = [];
    for (const replica of [a, b, a])
      codes.push((await call(replica, '/v1/narratives', { key: 'wrong-key' })).status);
    expect(codes).toEqual([401, 401, 401]);
    // The fourth failure, on either replica, is over the limit; then even a right key is refused.
    expect((await call(b, '/v1/narratives', { key: 'wrong-key' })).status).toBe(429);
    const blocked = await call(a, '/v1/narratives', { key: keys.answers });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(b, '/v1/narratives', { key: keys.answers })).status).toBe(429);
  });
});

describe('sessions while Redis is away', () => {
  it('answer 503 to a session token (not 401, which signs the page out) while API keys still work', async () => {
    const dead = createRedis(`redis://127.0.0.1:${await freePort()}`, 'client', {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    const app = await testApp(ctx.es, ctx.prefix, {
      auth: parseApiKeys(`tester:${hashApiKey(KEY)}`),
      redis: dead,
      redisPrefix: ctx.prefix,
    });
    try {
      const session = await app.inject({
        url: '/v1/narratives',
        headers: { authorization: 'Bearer cws_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      });
      expect(session.statusCode).toBe(503);
      expect(session.headers['retry-after']).toBe('5');
      const link = await app.inject({
        method: 'POST',
        url: '/v1/sign-in-links',
        headers: { authorization: `Bearer ${KEY}` },
      });
      expect(link.statusCode).toBe(503);
      const byKey = await app.inject({ url: '/v1/narratives', headers: { authorization: `Bearer ${KEY}` } });
      expect(byKey.statusCode).toBe(200);
    } finally {
      await app.close();
      dead.disconnect();
    }
  });
});
