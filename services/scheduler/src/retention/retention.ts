// Retention: whole monthly indices (posts and their versions) older than CW_RETENTION_MONTHS are
// dropped, a month at a time; a document is never deleted one by one. Months the digest and the spike
// detector still read are kept whatever the setting.
import { type Client, indexNames } from '@cw/es';
import { FORWARD_LOOKBACK_DAYS } from '../digest/build-digest.ts';
import { HISTORY_DAYS } from '../spikes/spike-counts.ts';

const DAY_MS = 24 * 3600_000;

/**
 * The days back from now that must stay searchable: the digest of yesterday looks 30 days further back
 * for new forward sources, the spike detector reads 29 days of history; one more day for a digest that
 * runs late and a time zone ahead of UTC, and a week of margin for a scheduler that was down.
 */
export const BASELINE_DAYS = Math.max(FORWARD_LOOKBACK_DAYS + 1, HISTORY_DAYS) + 1 + 7;

export type MonthlyIndex = { index: string; kind: 'posts' | 'versions'; month: string };

export type RetentionPlan = {
  /** Unset: retention is off and nothing is dropped. */
  months: number | undefined;
  /** A month is dropped only when all of it is older than this. */
  cutoff: Date | undefined;
  drop: MonthlyIndex[];
  keep: MonthlyIndex[];
  /** Kept only because the digest or the spike baselines still read them. */
  heldForBaselines: MonthlyIndex[];
};

/** The first instant after a `YYYY.MM` month. */
function monthEnd(month: string): number {
  const [year, m] = month.split('.').map(Number);
  return Date.UTC(year ?? 0, m ?? 0, 1);
}

/** The monthly indices of a prefix, parsed from their names (anything else under the prefix is left alone). */
export async function listMonthlyIndices(es: Client, prefix: string): Promise<MonthlyIndex[]> {
  const names = indexNames(prefix);
  const found = await es.indices.get({
    index: [names.postsPattern, names.versionsPattern],
    allow_no_indices: true,
    ignore_unavailable: true,
    expand_wildcards: ['open', 'closed'],
    filter_path: ['*.settings.index.provided_name'],
  });
  const pattern = new RegExp(`^${prefix}-(posts|post-versions)-(\\d{4}\\.\\d{2})$`);
  const indices: MonthlyIndex[] = [];
  for (const index of Object.keys(found)) {
    const match = pattern.exec(index);
    if (!match?.[1] || !match[2]) continue;
    indices.push({ index, kind: match[1] === 'posts' ? 'posts' : 'versions', month: match[2] });
  }
  return indices.sort((a, b) => a.month.localeCompare(b.month) || a.index.localeCompare(b.index));
}

/**
 * Which monthly indices go: those whose whole month ended before both `months` months ago and the
 * baselines' reach. With `months` 3 on 2026-12-10, posts of 2026-09-10 and later stay, so September
 * stays too; August and older go.
 */
export function retentionPlan(
  indices: MonthlyIndex[],
  options: { months: number | undefined; now: Date; baselineDays?: number },
): RetentionPlan {
  if (options.months === undefined)
    return { months: undefined, cutoff: undefined, drop: [], keep: indices, heldForBaselines: [] };
  const now = options.now;
  const byMonths = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth() - options.months,
    now.getUTCDate(),
    now.getUTCHours(),
    now.getUTCMinutes(),
  );
  const byBaselines = now.getTime() - (options.baselineDays ?? BASELINE_DAYS) * DAY_MS;
  const cutoff = Math.min(byMonths, byBaselines);
  const drop: MonthlyIndex[] = [];
  const keep: MonthlyIndex[] = [];
  const heldForBaselines: MonthlyIndex[] = [];
  for (const index of indices) {
    const end = monthEnd(index.month);
    if (end <= cutoff) drop.push(index);
    else {
      keep.push(index);
      if (end <= byMonths) heldForBaselines.push(index);
    }
  }
  return { months: options.months, cutoff: new Date(cutoff), drop, keep, heldForBaselines };
}

/** Plan and, unless `dryRun`, drop. Deletes by exact names only, never a wildcard. */
export async function applyRetention(options: {
  es: Client;
  prefix: string;
  months: number | undefined;
  now?: Date;
  dryRun?: boolean;
}): Promise<RetentionPlan & { dropped: string[] }> {
  const indices = await listMonthlyIndices(options.es, options.prefix);
  const plan = retentionPlan(indices, { months: options.months, now: options.now ?? new Date() });
  if (options.dryRun || plan.drop.length === 0) return { ...plan, dropped: [] };
  const names = plan.drop.map((i) => i.index);
  await options.es.indices.delete({ index: names });
  return { ...plan, dropped: names };
}
