import { esAuth, serverUrls } from '@cw/config';
import { createEsClient } from '@cw/es';
import { applyRetention, BASELINE_DAYS, schedulerConfig } from '@cw/scheduler';
import type { CommandIo } from '../main.ts';
import { parseCommand } from '../parse-command.ts';

const USAGE = `usage: pnpm -s cw retention [--dry-run] [--at ISO-8601]
  drops the monthly posts and versions indices whose whole month is older than CW_RETENTION_MONTHS
  (unset: keeps everything), never the last ${BASELINE_DAYS} days the digest and spike baselines read
  --dry-run   print what would be dropped and drop nothing
  --at        plan as if it were this time (default now)
`;

export async function run(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommand(
    'retention',
    USAGE,
    args,
    {
      options: {
        'dry-run': { type: 'boolean' },
        at: { type: 'string' },
      },
    },
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const now = values.at ? new Date(values.at) : new Date();
  if (Number.isNaN(now.getTime())) {
    io.stderr.write(`cw retention: --at expects an ISO-8601 time, got '${values.at}'\n`);
    return 2;
  }
  const config = schedulerConfig();
  const es = createEsClient(serverUrls(config).esUrl, esAuth(config));
  const say = (line: string) => io.stdout.write(`${line}\n`);
  try {
    const dryRun = values['dry-run'] ?? false;
    const result = await applyRetention({
      es,
      prefix: config.CW_INDEX_PREFIX,
      months: config.CW_RETENTION_MONTHS,
      now,
      dryRun,
    });
    if (result.months === undefined) {
      say(`CW_RETENTION_MONTHS is not set: keeping all ${result.keep.length} monthly indices`);
      return 0;
    }
    say(
      `retention ${result.months} month(s): dropping months that ended before ${result.cutoff?.toISOString()}`,
    );
    for (const index of result.drop) say(`  ${dryRun ? 'would drop' : 'dropped'}  ${index.index}`);
    for (const index of result.heldForBaselines)
      say(
        `  kept        ${index.index} (the digest and spike baselines read the last ${BASELINE_DAYS} days)`,
      );
    say(
      `${dryRun ? 'dry run: would drop' : 'dropped'} ${result.drop.length}, kept ${result.keep.length} monthly indices`,
    );
    return 0;
  } finally {
    await es.close();
  }
}
