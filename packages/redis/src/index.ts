import { Redis, type RedisOptions } from 'ioredis';

export { Redis };

/**
 * `worker`: connections that block (BullMQ workers, queue events) must retry forever, so BullMQ
 * requires `maxRetriesPerRequest: null`. `client`: producers and the CLI fail fast instead of
 * queueing commands while Redis is away, so the caller can keep its cursor and retry.
 */
export type RedisRole = 'worker' | 'client';

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 3, enableOfflineQueue: false };
  return new Redis(url, { ...options, lazyConnect: false, ...extra });
}

/** Resolves once the connection is ready; ioredis keeps reconnecting meanwhile, so a service
 * started before Redis simply waits instead of failing its first commands. */
export function whenReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => redis.once('ready', () => resolve()));
}
