import type { Problem } from './errors.ts';
import { BadRequestError } from './errors.ts';

// Time windows: defaults when from/to are left out, and the caps that keep one request from
// scanning years (in days) or from asking for too many buckets (hourly over a year).

export type Limits = { maxRangeDays: number; maxBuckets: number };

const HOUR = 3600_000;
const INTERVAL_MS = { hour: HOUR, day: 24 * HOUR, week: 7 * 24 * HOUR } as const;

/** `now` rounded down to the minute, so that repeated requests hit Elasticsearch's request cache. */
export function minuteNow(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

export function resolveWindow(
  params: { from?: string | undefined; to?: string | undefined },
  options: {
    now: Date;
    defaultDays: number;
    limits: Limits;
    interval?: keyof typeof INTERVAL_MS | undefined;
  },
): { from: string; to: string } {
  const to = params.to ?? minuteNow(options.now).toISOString();
  const from = params.from ?? new Date(Date.parse(to) - options.defaultDays * 24 * HOUR).toISOString();
  const span = Date.parse(to) - Date.parse(from);
  const problems: Problem[] = [];
  if (span <= 0) {
    problems.push({ parameter: 'from', value: params.from ?? from, expected: `a time before to (${to})` });
  } else if (span > options.limits.maxRangeDays * 24 * HOUR) {
    problems.push({
      parameter: 'from',
      value: params.from ?? from,
      expected: `a range of at most ${options.limits.maxRangeDays} days between from and to`,
    });
  } else if (options.interval && span / INTERVAL_MS[options.interval] > options.limits.maxBuckets) {
    problems.push({
      parameter: 'interval',
      value: options.interval,
      expected: `at most ${options.limits.maxBuckets} buckets: a coarser interval or a shorter range`,
    });
  }
  if (problems.length > 0) throw new BadRequestError(problems);
  return { from, to };
}
