import { ChannelRegistry, replayFile } from '@cw/collector';
import { cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';
import { parseCommand } from '../parse-command.ts';
import { openPostsQueue } from '../posts-queue.ts';

const USAGE = `usage: pnpm -s cw replay <posts.jsonl> [--speed N] [--resume]
  --speed N   1 = real time, 60 = one minute per second, 0 = as fast as possible (default 0)
  --resume    honour and move the registry's cursors, so a stopped replay goes on where it was
`;

export async function run(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommand(
    'replay',
    USAGE,
    args,
    {
      allowPositionals: true,
      options: {
        speed: { type: 'string' },
        resume: { type: 'boolean' },
      },
    },
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [path] = positionals;
  const speedArg = values.speed === undefined ? 0 : Number(values.speed);
  if (!path || positionals.length > 1 || values.speed === '' || !Number.isFinite(speedArg) || speedArg < 0) {
    io.stderr.write(USAGE);
    return 2;
  }
  const config = cliConfig();
  const { log, redis, queue, signal, close } = openPostsQueue(config);
  try {
    const result = await replayFile(path, {
      queue,
      speed: speedArg,
      log,
      signal,
      ...(values.resume ? { registry: new ChannelRegistry(redis, config.CW_QUEUE_PREFIX) } : {}),
      onProgress: (p) => io.stderr.write(`\rreplayed ${p.published} posts (${p.lines} lines)`),
    });
    io.stderr.write('\n');
    io.stdout.write(
      `replayed ${result.published} posts from ${result.lines} lines; ${result.skipped} already past the cursor, ${result.invalid} invalid\n`,
    );
    return result.invalid > 0 ? 1 : 0;
  } finally {
    await close();
  }
}
