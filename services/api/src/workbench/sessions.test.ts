import { createRedis, whenReady } from '@cw/redis';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../tests/support/ports.ts';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import { createSessionStore, SessionStoreUnavailableError } from './sessions.ts';

// Sign-in links and sessions kept in the test run's Redis, as every API replica keeps them: two
// stores on two connections stand for two replicas.

const ctx = isolatedServers();
// A client connection refuses commands until it is connected (no offline queue), as the API's does.
beforeAll(() => whenReady(ctx.redis));

describe('sessions in Redis', () => {
  it('a link made by one replica is traded on another, once, and the session works on both', async () => {
    const other = createRedis(ctx.redisUrl, 'client');
    await whenReady(other);
    try {
      const a = createSessionStore({ redis: ctx.redis, keyPrefix: ctx.prefix });
      const b = createSessionStore({ redis: other, keyPrefix: ctx.prefix });
      const link = await a.createLink('analyst');
      const traded = await b.exchange(link.token);
      expect(traded?.name).toBe('analyst');
      expect(await a.exchange(link.token)).toBeUndefined();
      expect(await b.exchange(link.token)).toBeUndefined();
      expect(await a.authenticate(`Bearer ${traded?.session}`)).toBe('analyst');
      expect(await b.authenticate(`Bearer ${traded?.session}`)).toBe('analyst');
      expect(await a.authenticate(`Bearer ${traded?.session}x`)).toBeUndefined();
      // Only hashes are stored: neither token appears in a key or a value.
      const keys = await ctx.redis.keys(`${ctx.prefix}:api-session:*`);
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/^cwt-[0-9a-f]+:api-session:session:[0-9a-f]{64}$/);
      const stored = await ctx.redis.get(keys[0] ?? '');
      expect(stored).not.toContain(traded?.session);
      expect(keys[0]).not.toContain(traded?.session);
    } finally {
      other.disconnect();
    }
  });

  it('trades a link exactly once when many requests on two connections race for it', async () => {
    const other = createRedis(ctx.redisUrl, 'client');
    await whenReady(other);
    try {
      const a = createSessionStore({ redis: ctx.redis, keyPrefix: ctx.prefix });
      const b = createSessionStore({ redis: other, keyPrefix: ctx.prefix });
      for (let round = 0; round < 5; round++) {
        const { token } = await a.createLink(`race-${round}`);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).exchange(token)),
        );
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      }
    } finally {
      other.disconnect();
    }
  });

  it('gives each entry a Redis expiry, so nothing outlives its link or session', async () => {
    const prefix = `${ctx.prefix}-ttl`;
    const store = createSessionStore({
      redis: ctx.redis,
      keyPrefix: prefix,
      linkTtlMs: 60_000,
      sessionTtlMs: 3_600_000,
    });
    const link = await store.createLink('analyst');
    const [linkKey] = await ctx.redis.keys(`${prefix}:api-session:link:*`);
    const linkTtl = await ctx.redis.pttl(linkKey ?? '');
    expect(linkTtl).toBeGreaterThan(55_000);
    expect(linkTtl).toBeLessThanOrEqual(60_000);
    await store.exchange(link.token);
    expect(await ctx.redis.exists(linkKey ?? '')).toBe(0);
    const [sessionKey] = await ctx.redis.keys(`${prefix}:api-session:session:*`);
    const sessionTtl = await ctx.redis.pttl(sessionKey ?? '');
    expect(sessionTtl).toBeGreaterThan(3_500_000);
    expect(sessionTtl).toBeLessThanOrEqual(3_600_000);
  });

  it('says the store is unavailable when Redis cannot be reached, instead of "unknown token"', async () => {
    const dead = createRedis(`redis://127.0.0.1:${await freePort()}`, 'client', {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    try {
      const store = createSessionStore({ redis: dead, keyPrefix: ctx.prefix });
      await expect(store.createLink('a')).rejects.toBeInstanceOf(SessionStoreUnavailableError);
      await expect(store.exchange('cwl_x')).rejects.toBeInstanceOf(SessionStoreUnavailableError);
      await expect(store.authenticate('Bearer cws_abc')).rejects.toBeInstanceOf(SessionStoreUnavailableError);
      // Not a session token at all: Redis is not asked.
      expect(await store.authenticate('Bearer some-api-key')).toBeUndefined();
    } finally {
      dead.disconnect();
    }
  });
});

describe.each([
  ['in Redis', true],
  ['in memory (an app built without Redis)', false],
])('sessions %s', (_name, withRedis) => {
  it('refuse a link after 10 minutes and a session after 12 hours', async () => {
    let now = Date.now();
    const store = createSessionStore({
      ...(withRedis ? { redis: ctx.redis } : {}),
      keyPrefix: `${ctx.prefix}-clock`,
      now: () => now,
    });
    const late = await store.createLink('a');
    now += 10 * 60_000;
    expect(await store.exchange(late.token)).toBeUndefined();
    const ok = await store.exchange((await store.createLink('a')).token);
    expect(await store.authenticate(`Bearer ${ok?.session}`)).toBe('a');
    now += 12 * 3600_000 - 1;
    expect(await store.authenticate(`Bearer ${ok?.session}`)).toBe('a');
    now += 1;
    expect(await store.authenticate(`Bearer ${ok?.session}`)).toBeUndefined();
  });
});
