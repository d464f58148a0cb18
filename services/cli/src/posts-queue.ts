import { serverUrls } from '@cw/config';
import { createLogger } from '@cw/logging';
import { createQueue } from '@cw/queues';
import { createRedis } from '@cw/redis';
import type { CliConfig } from './config.ts';

/**
 * What the collecting commands (collect, backfill, replay, import) share: a quiet logger, the posts
 * queue, and an abort signal that Ctrl-C raises so they stop after the batch in flight. `close()`
 * releases all of it.
 */
export function openPostsQueue(config: CliConfig) {
  const log = createLogger({
    service: 'cli',
    level: config.CW_LOG_LEVEL === 'info' ? 'warn' : config.CW_LOG_LEVEL,
  });
  const redis = createRedis(serverUrls(config).redisUrl, 'client', { enableOfflineQueue: true });
  const queue = createQueue('posts', { connection: redis, prefix: config.CW_QUEUE_PREFIX });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  return {
    log,
    redis,
    queue,
    signal: stop.signal,
    async close() {
      process.off('SIGINT', onSignal);
      await queue.close();
      redis.disconnect();
    },
  };
}
