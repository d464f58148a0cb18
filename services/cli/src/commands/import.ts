import {
  awaitVerdicts,
  createPublisher,
  ExportError,
  type ImportProgress,
  type ImportVerdicts,
  importExport,
  isTimeZone,
  realClock,
} from '@cw/collector';
import { cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';
import { openPostsQueue } from '../posts-queue.ts';

const USAGE = `usage: pnpm -s cw import <result.json> [--channel @username] [--tz Zone] [--wait-s N]
  Ingests a Telegram Desktop "Export chat history" JSON file (streamed; any size) and reports what
  the pipeline made of it: new, updated, unchanged, rejected, skipped.
  --channel   the channel's username (exports do not contain it)
  --tz        IANA time zone of the machine that made an export without date_unixtime (Desktop
              before late 2021); default UTC
  --wait-s    how long to wait for the pipeline's verdicts (default 300; 0: enqueue and exit)
`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function run(args: string[], io: CommandIo): Promise<number> {
  const withValue = new Set(['--channel', '--tz', '--wait-s']);
  const path = args.find((a, i) => !a.startsWith('--') && !withValue.has(args[i - 1] ?? ''));
  const channelArg = option(args, '--channel');
  const zone = option(args, '--tz') ?? 'UTC';
  const waitS = Number(option(args, '--wait-s') ?? 300);
  if (!path || !Number.isFinite(waitS) || waitS < 0) {
    io.stderr.write(USAGE);
    return 2;
  }
  if (!isTimeZone(zone)) {
    io.stderr.write(
      `cw import: --tz: unknown time zone '${zone}' (expected an IANA name such as Asia/Almaty)\n`,
    );
    return 2;
  }
  const config = cliConfig();
  const { log, queue, redis, signal, close } = openPostsQueue(config);
  try {
    let result: ImportProgress;
    try {
      result = await importExport(path, {
        publisher: createPublisher({ queue, log, clock: realClock, signal }),
        clock: realClock,
        signal,
        zone,
        ...(channelArg ? { username: channelArg.replace(/^@/, '') } : {}),
        onProgress: (p) =>
          io.stderr.write(`\r${bar(p.bytes / Math.max(p.totalBytes, 1))} ${p.messages} messages`),
      });
    } catch (err) {
      if (!(err instanceof ExportError)) throw err;
      io.stderr.write(`\ncw import: ${err.message}\n`);
      return 1;
    }
    io.stderr.write('\n');
    const verdicts =
      waitS > 0 ? await awaitVerdicts(queue, redis.options, result.jobIds, waitS * 1000) : undefined;
    io.stdout.write(`${summary(path, result, verdicts)}\n`);
    return verdicts && verdicts.failed > 0 ? 1 : 0;
  } finally {
    await close();
  }
}

export function summary(path: string, r: ImportProgress, v: ImportVerdicts | undefined): string {
  const posts = r.published + r.malformed;
  const lines = [
    `${path}: ${r.messages} messages, ${posts} posts to the pipeline, ${r.skipped} skipped (service messages)`,
  ];
  if (r.chat)
    lines.push(
      `  chat ${r.chat.channel.id} (${r.chat.kind}${r.chat.channel.title ? `, "${r.chat.channel.title}"` : ''})`,
    );
  if (v) {
    lines.push(
      `  new ${v.created}, updated ${v.updated}, unchanged ${v.unchanged}, rejected ${v.rejected}` +
        (v.stale > 0 ? ` (${v.stale} older edits kept as history)` : ''),
    );
    if (v.created + v.updated === 0 && v.waiting + v.failed === 0 && posts > 0)
      lines.push('  nothing new: every post was already indexed as it is');
    if (v.waiting > 0)
      lines.push(
        `  ${v.waiting} batches not processed yet (is the pipeline running? \`pnpm -s cw run pipeline\`); they stay queued`,
      );
    if (v.failed > 0) lines.push(`  ${v.failed} batches failed; see \`pnpm -s cw replay-failed\``);
  } else lines.push(`  ${r.jobIds.length} batches queued; not waiting for the pipeline (--wait-s 0)`);
  if (r.albumMembers > 0)
    lines.push(`  ${r.albumMembers} album messages joined to their album's post (one post, N media)`);
  if (r.malformed > 0)
    lines.push(`  ${r.malformed} messages without a usable id or date were sent on to be filed in rejects`);
  if (r.wallClock > 0)
    lines.push(
      `  ${r.wallClock} messages had no date_unixtime: their times were read as ${r.zone} (--tz to change)`,
    );
  return lines.join('\n');
}

function bar(fraction: number, width = 30): string {
  const filled = Math.round(Math.min(1, fraction) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
}
