import { serverUrls } from '@cw/config';
import { createQueue, replayFailed } from '@cw/queues';
import { createRedis } from '@cw/redis';
import { cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';
import { parseCommand } from '../parse-command.ts';

const USAGE = `usage: pnpm -s cw replay-failed
  Puts every batch that exhausted its retries back on the posts queue, with a fresh set of attempts.
`;

/** Put batches that exhausted their retries back on the posts queue, with a fresh set of attempts. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  // It takes no option: one it does not know (a hoped-for --dry-run) must not replay everything.
  const parsed = parseCommand('replay-failed', USAGE, args, { options: {} }, io);
  if (typeof parsed === 'number') return parsed;
  const config = cliConfig();
  const connection = createRedis(serverUrls(config).redisUrl, 'client');
  const queue = createQueue('posts', { connection, prefix: config.CW_QUEUE_PREFIX });
  try {
    const failed = await queue.getFailedCount();
    if (failed === 0) {
      io.stdout.write('no failed batches\n');
      return 0;
    }
    const replayed = await replayFailed(queue, (done) => io.stderr.write(`\rreplaying ${done}/${failed}`));
    io.stderr.write('\n');
    io.stdout.write(`re-enqueued ${replayed} failed batch(es) on '${queue.name}'\n`);
    return 0;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
