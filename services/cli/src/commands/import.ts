import { createPublisher, importExport, realClock } from '@cw/collector';
import { cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';
import { openPostsQueue } from '../posts-queue.ts';

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
  const { log, queue, signal, close } = openPostsQueue(config);
  try {
    const result = await importExport(path, {
      publisher: createPublisher({ queue, log, clock: realClock, signal }),
      clock: realClock,
      signal,
      ...(channelArg ? { username: channelArg.replace(/^@/, '') } : {}),
      onProgress: (p) =>
        io.stderr.write(`\r${bar(p.bytes / Math.max(p.totalBytes, 1))} ${p.messages} messages`),
    });
    io.stderr.write('\n');
    io.stdout.write(
      `imported ${result.published} posts from ${path}; ${result.malformed} without a usable id or date sent on to rejects, ${result.skipped} service messages skipped\n`,
    );
    return 0;
  } finally {
    await close();
  }
}

function bar(fraction: number, width = 30): string {
  const filled = Math.round(Math.min(1, fraction) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
}
