// Per-file isolation on the shared servers: every test file gets its own index prefix and BullMQ
// prefix, and removes what it created when it ends.
import { randomBytes } from 'node:crypto';
import { createEsClient } from '@cw/es';
import { createRedis } from '@cw/redis';
import { afterAll, inject } from 'vitest';

export function servers() {
  return { redisUrl: inject('redisUrl'), esUrl: inject('esUrl') };
}

/** A fresh prefix like `cwt-3f9a1c` usable in index names and Redis keys. */
export function uniquePrefix(): string {
  return `cwt-${randomBytes(4).toString('hex')}`;
}

/**
 * Clients and a prefix for one test file, cleaned up after the file: indices and aliases named with
 * the prefix are deleted, Redis keys under it removed.
 */
export function isolatedServers() {
  const { redisUrl, esUrl } = servers();
  const prefix = uniquePrefix();
  const es = createEsClient(esUrl);
  const redis = createRedis(redisUrl, 'client');
  afterAll(async () => {
    await es.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
    await es.indices.deleteIndexTemplate({ name: `${prefix}-*` }).catch(() => {});
    let cursor = '0';
    do {
      // `${prefix}:…` and the sub-prefixes some files use (`${prefix}-web:…`).
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await es.close();
    redis.disconnect();
  });
  return { prefix, es, redis, redisUrl, esUrl };
}
