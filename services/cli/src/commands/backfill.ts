import { cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';
import { collectPass } from './collect.ts';

const USAGE = `usage: pnpm -s cw backfill [--since YYYY-MM-DD]
  Walks each channel's history from its cursor; channels without a cursor start at --since
  (default CW_COLLECT_SINCE, else CW_COLLECT_BACKFILL_DAYS days ago).
`;

export async function run(args: string[], io: CommandIo): Promise<number> {
  const i = args.indexOf('--since');
  const raw = i >= 0 ? args[i + 1] : undefined;
  const since = raw ? new Date(raw) : undefined;
  if ((i >= 0 && (!since || Number.isNaN(since.getTime()))) || args.some((_a, j) => j !== i && j !== i + 1)) {
    io.stderr.write(USAGE);
    return 2;
  }
  return collectPass(cliConfig(), io, since ? { since } : {});
}
