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
