import {
  backfillSince,
  ChannelRegistry,
  collectOnce,
  connectAccounts,
  createPublisher,
  fetchPage,
  RecentPosts,
  realClock,
} from '@cw/collector';
import { type CliConfig, cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';
import { openPostsQueue } from '../posts-queue.ts';

/** One pass over the registry (collect and backfill). Do not run it beside a collector that uses
 * the same Telegram session: one session in two processes gives AUTH_KEY_DUPLICATED. */
export async function collectPass(
  config: CliConfig,
  io: CommandIo,
  options: { since?: Date } = {},
): Promise<number> {
  const { log, redis, queue, signal, close } = openPostsQueue(config);
  const accounts = await connectAccounts(config, { log, clock: realClock, signal });
  try {
    const registry = new ChannelRegistry(redis, config.CW_QUEUE_PREFIX);
    const reports = await collectOnce(
      {
        registry,
        publisher: createPublisher({ queue, registry, log, clock: realClock, signal }),
        recent: new RecentPosts(),
        accounts,
        clock: realClock,
        log,
        since: options.since ?? backfillSince(config, Date.now()),
        web: {
          fetchPage,
          intervalMs: config.CW_COLLECT_WEB_INTERVAL_MS,
          maxPages: config.CW_COLLECT_WEB_MAX_PAGES,
        },
        poll: { minS: config.CW_COLLECT_POLL_MIN_S, maxS: config.CW_COLLECT_POLL_MAX_S },
        signal,
      },
      (r) =>
        io.stdout.write(
          `@${r.channel.padEnd(32)} ${r.source.padEnd(8)} ${String(r.published).padStart(6)} posts${r.error ? `  ${r.error}` : ''}\n`,
        ),
    );
    if (reports.length === 0) io.stdout.write('no channels to collect (pnpm -s cw channels add @name)\n');
    const total = reports.reduce((sum, r) => sum + r.published, 0);
    io.stdout.write(`${total} posts enqueued from ${reports.length} channels\n`);
    return reports.some((r) => r.error) ? 1 : 0;
  } finally {
    for (const { account } of accounts) await account.disconnect().catch(() => {});
    await close();
  }
}

export async function run(args: string[], io: CommandIo): Promise<number> {
  if (args.length > 0) {
    io.stderr.write(
      'usage: pnpm -s cw collect   (one pass over every registered channel, from the cursors)\n',
    );
    return 2;
  }
  return collectPass(cliConfig(), io);
}
