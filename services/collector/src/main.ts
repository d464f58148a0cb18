// The collector service: the only place it is wired. `pnpm -s cw run collector` calls main().
import { pathToFileURL } from 'node:url';
import { loadConfig, serverUrls } from '@cw/config';
import { createLogger, type Logger } from '@cw/logging';
import { createQueue } from '@cw/queues';
import { createRedis, whenReady } from '@cw/redis';
import { ChannelRegistry } from './channels/registry.ts';
import { readSeedFile } from './channels/seed-file.ts';
import { realClock } from './clock.ts';
import { runCollector } from './collector.ts';
import { backfillSince, collectorSchema } from './config.ts';
import { Batcher } from './publish/batcher.ts';
import { createPublisher } from './publish/publisher.ts';
import { retryUntilDone } from './publish/retry.ts';
import { foldAlbums } from './sources/albums.ts';
import { connectAccounts } from './sources/telegram/accounts.ts';
import { EngagementRefresh, parseRefreshSchedule } from './sources/telegram/engagement-refresh.ts';
import { RecentPosts } from './sources/telegram/recent-posts.ts';
import { fetchPage } from './sources/web/web-source.ts';

const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;

export type MainOptions = {
  log?: Logger;
  /** Install SIGINT/SIGTERM handlers that stop and exit (true when run as a process). */
  handleSignals?: boolean;
};

/** Starts the collector; resolves with a `stop()` that flushes and closes everything. */
export async function main(env: Record<string, string | undefined>, opts: MainOptions = {}) {
  const config = loadConfig(collectorSchema, env);
  const log = opts.log ?? createLogger({ service: 'collector', level: config.CW_LOG_LEVEL });
  const clock = realClock;
  const controller = new AbortController();
  const { signal } = controller;
  const redis = createRedis(serverUrls(config).redisUrl, 'client');
  redis.on('error', (err) => log.warn({ err }, 'redis connection error'));
  await whenReady(redis);
  const queue = createQueue('posts', { connection: redis, prefix: config.CW_QUEUE_PREFIX });
  queue.on('error', (err) => log.warn({ err }, 'queue error'));
  const registry = new ChannelRegistry(redis, config.CW_QUEUE_PREFIX);
  const publisher = createPublisher({ queue, registry, log, clock, signal });
  const batcher = new Batcher(
    async (posts) => {
      // Album members that arrived as separate updates become one post.
      await publisher.publish('telegram', foldAlbums(posts), { moveCursor: false });
    },
    {
      maxWaitMs: config.CW_COLLECT_FLUSH_MS,
      onError: (err) => log.error({ err }, 'live batch could not be enqueued'),
    },
  );

  if (config.CW_COLLECT_CHANNELS_FILE) {
    const seed = await readSeedFile(config.CW_COLLECT_CHANNELS_FILE);
    for (const name of seed.invalid) log.warn({ channel: name }, 'channels file: not a username; skipped');
    for (const source of ['telegram', 'web'] as const) {
      const names = seed.channels.filter((c) => c.source === source).map((c) => c.username);
      const added = await retryUntilDone(() => registry.add(names, source), {
        clock,
        log,
        what: 'seeding',
        signal,
      });
      if (added.length > 0) log.info({ added, source }, 'channels added from the channels file');
    }
  }

  const accounts = await connectAccounts(config, { log, clock, signal });
  if (accounts.length === 0)
    log.info('no Telegram account configured: only web-preview channels are collected');
  const recycle = setInterval(
    () => {
      for (const { account, gate } of accounts) {
        gate.call(() => account.recycle()).catch((err) => log.warn({ err }, 'client recycle failed'));
      }
    },
    config.CW_COLLECT_CLIENT_RECYCLE_H * 3600 * 1000,
  );
  recycle.unref();

  const offsets = parseRefreshSchedule(config.CW_COLLECT_REFRESH_SCHEDULE);
  const refresh = new EngagementRefresh(
    redis,
    config.CW_QUEUE_PREFIX,
    typeof offsets === 'string' ? [] : offsets,
  );

  log.info({ accounts: accounts.length, prefix: config.CW_QUEUE_PREFIX }, 'collector started');
  const running = runCollector({
    registry,
    publisher,
    recent: new RecentPosts(),
    accounts,
    clock,
    log,
    since: backfillSince(config, clock.now()),
    web: {
      fetchPage,
      intervalMs: config.CW_COLLECT_WEB_INTERVAL_MS,
      maxPages: config.CW_COLLECT_WEB_MAX_PAGES,
    },
    poll: { minS: config.CW_COLLECT_POLL_MIN_S, maxS: config.CW_COLLECT_POLL_MAX_S },
    refresh,
    batcher,
    live: config.CW_COLLECT_LIVE,
    signal,
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      controller.abort();
      clearInterval(recycle);
      await running.catch((err) => log.error({ err }, 'collector loop ended with an error'));
      await batcher.stop();
      for (const { account } of accounts) await account.disconnect().catch(() => {});
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
      log.info('collector stopped');
    })();
    return stopping;
  };

  if (opts.handleSignals) {
    for (const [name, number] of Object.entries(SIGNALS)) {
      process.once(name, () => {
        log.info({ signal: name }, 'stopping: no new work, flushing');
        const deadline = setTimeout(() => {
          log.error('shutdown deadline passed; exiting anyway');
          process.exit(128 + number);
        }, config.CW_COLLECT_SHUTDOWN_MS);
        deadline.unref();
        stop().finally(() => process.exit(128 + number));
      });
    }
  }
  return { stop, done: running };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.env, { handleSignals: true }).catch((err: unknown) => {
    process.stderr.write(`collector: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
