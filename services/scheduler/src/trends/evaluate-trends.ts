// The daily trend evaluation: counts per local day from Elasticsearch, the pure detector per
// narrative, and one `narrative.trend` message per narrative and day through the outbox. Nothing is
// stored besides the outbox entry: the decision is recomputed from the counts, and the message id
// `trend_<narrative>_<date>` makes a rerun of the same day the same message.
import type { Client } from '@cw/es';
import { dailyCounts } from '../digest/daily-counts.ts';
import { datesUpTo, digestDay } from '../digest/digest-day.ts';
import { alertDetails } from '../spikes/alert-details.ts';
import { localTime, postsQuery } from '../spikes/alert-explain.ts';
import { EVENT_VERSION, type TrendEvent } from '../webhooks/events.ts';
import { DEFAULT_TREND_PARAMS, type NewTrend, newTrend, type TrendParams } from './trend-detector.ts';
import type { TrendReport } from './trend-report.ts';

export type TrendDeps = {
  es: Client;
  prefix: string;
  /** The local calendar day evaluated: the last day of the week compared. */
  date: string;
  timeZone: string;
  now?: Date;
  apiBaseUrl?: string;
  titles?: ReadonlyMap<string, string>;
  params?: TrendParams;
  notify?: (messageId: string, event: TrendEvent) => Promise<unknown>;
};

export type TrendEvaluation = {
  date: string;
  timeZone: string;
  verdicts: (NewTrend & { narrative: string })[];
  reported: TrendReport[];
};

const round = (x: number) => Math.round(x * 1000) / 1000;

export function trendBaselineText(params: TrendParams): string {
  return (
    `an ordinary week: the mean of the ${params.baselineWeeks} weeks before the last 7 days ` +
    `(local calendar days), without the largest; a trend needs ×${params.minRatio} of it, ` +
    `at least ${params.minPosts} posts, spread beyond the busiest day, and more than all other posting rose`
  );
}

export async function evaluateTrends(deps: TrendDeps): Promise<TrendEvaluation> {
  const params = deps.params ?? DEFAULT_TREND_PARAMS;
  const day = digestDay(deps.date, deps.timeZone);
  // The baseline weeks, the latest week, and six days more to see whether it was reported already.
  const span = 7 * (params.baselineWeeks + 1) + 6;
  const dates = datesUpTo(deps.date, deps.timeZone, span);
  const counts = await dailyCounts(deps.es, deps.prefix, day, span - 1);
  const totalDaily = dates.map((d) => counts.total.get(d) ?? 0);
  const result: TrendEvaluation = { date: deps.date, timeZone: deps.timeZone, verdicts: [], reported: [] };
  const weekStart = digestDay(dates[dates.length - 7] ?? deps.date, deps.timeZone).from;
  const sorted = [...counts.narratives].sort((a, b) => a.narrative.localeCompare(b.narrative));
  for (const { narrative, days } of sorted) {
    const daily = dates.map((d) => days.get(d) ?? 0);
    const verdict = newTrend({ daily, totalDaily }, params);
    result.verdicts.push({ ...verdict, narrative });
    if (!verdict.fired) continue;
    const { mix, topChannels, topPosts, evidence } = await alertDetails(deps.es, deps.prefix, {
      narrative,
      from: weekStart,
      to: day.to,
    });
    const title = deps.titles?.get(narrative);
    const report: TrendReport = {
      id: `${narrative}-${deps.date}`,
      kind: 'narrative.trend',
      narrative,
      ...(title ? { title } : {}),
      date: deps.date,
      timeZone: deps.timeZone,
      weekStart: weekStart.toISOString(),
      weekEnd: day.to.toISOString(),
      local: {
        timeZone: deps.timeZone,
        weekStart: localTime(weekStart, deps.timeZone),
        weekEnd: localTime(day.to, deps.timeZone),
      },
      observed: verdict.observed,
      previousWeek: verdict.previousWeek,
      expected: round(verdict.expected),
      ratio: round(verdict.ratio),
      score: round(verdict.score),
      ...(verdict.shareRatio !== undefined ? { shareRatio: round(verdict.shareRatio) } : {}),
      baseline: trendBaselineText(params),
      daily: dates.slice(-14).map((d, i) => ({ date: d, count: daily[daily.length - 14 + i] ?? 0 })),
      ...(verdict.reportedDaysAgo !== undefined ? { reportedDaysAgo: verdict.reportedDaysAgo } : {}),
      distinctChannels: mix.distinctChannels,
      topChannelShare: mix.posts ? round(mix.topChannelCount / mix.posts) : 0,
      distinctTexts: mix.distinctTexts,
      topChannels,
      topPosts,
      evidence,
      postsQuery: postsQuery(deps.apiBaseUrl, narrative, weekStart, day.to),
    };
    const event: TrendEvent = {
      type: 'narrative.trend',
      version: EVENT_VERSION,
      timestamp: (deps.now ?? new Date()).toISOString(),
      data: report,
    };
    await deps.notify?.(`trend_${narrative}_${deps.date}`, event);
    result.reported.push(report);
  }
  return result;
}
