import { createPublisher, importExport, realClock } from '@cw/collector';
import { serverUrls } from '@cw/config';
import { createLogger } from '@cw/logging';
import { createQueue } from '@cw/queues';
import { createRedis } from '@cw/redis';
import { cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';

const USAGE = `usage: pnpm -s cw import <result.json> [--channel @username]
  Ingests a Telegram Desktop "Export chat history" JSON file (streamed; any size).
  --channel   the channel's username (exports do not contain it)
`;

export async function run(args: string[], io: CommandIo): Promise<number> {
  const channelArg = args.includes('--channel') ? args[args.indexOf('--channel') + 1] : undefined;
  const path = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--channel');
  if (!path) {
    io.stderr.write(USAGE);
    return 2;
  }
  const config = cliConfig();
  const log = createLogger({ service: 'cli', level: 'warn' });
  const redis = createRedis(serverUrls(config).redisUrl, 'client', { enableOfflineQueue: true });
  const queue = createQueue('posts', { connection: redis, prefix: config.CW_QUEUE_PREFIX });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  try {
    const result = await importExport(path, {
      publisher: createPublisher({ queue, log, clock: realClock, signal: stop.signal }),
      clock: realClock,
      signal: stop.signal,
      ...(channelArg ? { username: channelArg.replace(/^@/, '') } : {}),
      onProgress: (p) =>
        io.stderr.write(`\r${bar(p.bytes / Math.max(p.totalBytes, 1))} ${p.messages} messages`),
    });
    io.stderr.write('\n');
    io.stdout.write(
      `imported ${result.published} posts (${result.skipped} service or undated messages skipped) from ${path}\n`,
    );
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    await queue.close();
    redis.disconnect();
  }
}

function bar(fraction: number, width = 30): string {
  const filled = Math.round(Math.min(1, fraction) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
}
