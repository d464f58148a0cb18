// The slow-rise detector behind the daily `narrative.trend` event: a pure function over daily counts,
// so the benchmark (tests/bench/trends.ts) runs it as production does, without Elasticsearch.
// A trend is a narrative whose last seven days hold well above an ordinary week before them (1.6×
// by default, so that a doubling is caught through counting noise), spread over the week (not one busy day: that is a spike's), on enough posts to mean
// something, and more than all other posting rose.
import { robustMean, sum, upperTail } from '../spikes/stats.ts';

export type TrendParams = {
  /** The latest week must hold at least this many times the posts of an ordinary week before it. */
  minRatio: number;
  /** Fewer posts in the latest week never make a trend. */
  minPosts: number;
  /** Minimum −log10 p-value of the week's count under the baseline (negative binomial). */
  minScore: number;
  /** Over-dispersion of weekly counts (variance = μ + α·μ²): weeks differ more than hours add up to. */
  alpha: number;
  /** Weeks before the latest one that make the baseline. */
  baselineWeeks: number;
  /** The narrative's rise over the rise of all other posting (more channels watched is no trend). */
  minShareRatio: number;
  /** Days after a reported trend in which it is reported again only when the week grew by this much. */
  repeatGrowth: number;
};

/** Chosen with `pnpm bench spikes` (tests/bench/spikes-trends.ts): a doubling is caught through the
 * noise of a few posts a day with 1.6, and 1.6 on its own is what a doubling looks like halfway. */
export const DEFAULT_TREND_PARAMS: TrendParams = {
  minRatio: 1.6,
  minPosts: 20,
  minScore: 3,
  alpha: 0.02,
  baselineWeeks: 3,
  minShareRatio: 1.5,
  repeatGrowth: 1.5,
};

export type TrendInput = {
  /** Posts per local day, oldest first, ending with the day evaluated. */
  daily: readonly number[];
  /** All posts per day over the same days (optional: the general-rise guard). */
  totalDaily?: readonly number[];
};

export type TrendVerdict = {
  fired: boolean;
  /** Posts in the latest seven days. */
  observed: number;
  /** Posts in the seven days before them. */
  previousWeek: number;
  /** An ordinary week: the mean of the baseline weeks without the largest. */
  expected: number;
  ratio: number;
  score: number;
  /** The narrative's rise over the rise of all other posts (when totals are given). */
  shareRatio?: number;
  /** Guards that held the trend back (empty when fired). */
  blockedBy: string[];
};

const WEEK = 7;
/** An ordinary week is never expected to be emptier than this: a silent narrative is not infinitely surprising. */
const EXPECTED_FLOOR = 3;

/** Weekly sums of the `weeks` weeks before the latest one, and their mean without the largest. */
function baseline(daily: readonly number[], weeks: number): number | undefined {
  const n = daily.length;
  const sums: number[] = [];
  for (let w = 1; w <= weeks && n - (w + 1) * WEEK >= 0; w += 1)
    sums.push(sum(daily, n - (w + 1) * WEEK, n - w * WEEK));
  return robustMean(sums);
}

/** Is the week ending with the last day of `daily` a slow rise? Every guard must hold. */
export function detectTrend(input: TrendInput, params: TrendParams = DEFAULT_TREND_PARAMS): TrendVerdict {
  const { daily } = input;
  const n = daily.length;
  const observed = sum(daily, n - WEEK, n);
  const previousWeek = sum(daily, n - 2 * WEEK, n - WEEK);
  const base = baseline(daily, params.baselineWeeks);
  const expected = Math.max(EXPECTED_FLOOR, base ?? 0);
  const ratio = observed / expected;
  const score = -Math.log10(Math.max(upperTail(observed, expected, params.alpha), 1e-300));
  const verdict: TrendVerdict = {
    fired: false,
    observed,
    previousWeek,
    expected,
    ratio,
    score,
    blockedBy: [],
  };
  if (base === undefined) verdict.blockedBy.push('history');
  if (observed < params.minPosts) verdict.blockedBy.push('minPosts');
  if (ratio < params.minRatio) verdict.blockedBy.push('minRatio');
  if (score < params.minScore) verdict.blockedBy.push('minScore');
  // Spread over the week: without its busiest day the other six must still hold half the rise, so
  // one burst (which the spike alerts report) does not read as a trend.
  const week = daily.slice(n - WEEK);
  const busiest = Math.max(0, ...week);
  const spreadRatio = (1 + params.minRatio) / 2;
  if (observed - busiest < spreadRatio * expected * ((WEEK - 1) / WEEK)) verdict.blockedBy.push('oneDay');
  if (input.totalDaily && input.totalDaily.length === n) {
    const totals = input.totalDaily;
    const othersObserved = Math.max(0, sum(totals, n - WEEK, n) - observed);
    const othersBase = baseline(
      totals.map((t, i) => Math.max(0, t - (daily[i] ?? 0))),
      params.baselineWeeks,
    );
    const othersRise = othersBase ? Math.max(1, othersObserved / Math.max(EXPECTED_FLOOR, othersBase)) : 1;
    verdict.shareRatio = ratio / othersRise;
    if (verdict.shareRatio < params.minShareRatio) verdict.blockedBy.push('generalRise');
  }
  verdict.fired = verdict.blockedBy.length === 0;
  return verdict;
}

export type NewTrend = TrendVerdict & {
  /** Days since the trend was last reported (a repeat after growth), when it was. */
  reportedDaysAgo?: number;
};

/**
 * The daily decision: a trend is reported on the first day it holds, and in the six days after
 * only when its week grew by `repeatGrowth` again since the last report. Stateless (recomputed from
 * the counts), so a replayed or repeated day decides the same.
 */
export function newTrend(input: TrendInput, params: TrendParams = DEFAULT_TREND_PARAMS): NewTrend {
  const today = detectTrend(input, params);
  if (!today.fired) return today;
  // The last report before today, found by replaying the six days before (oldest first).
  const reports: { daysAgo: number; observed: number }[] = [];
  for (let k = WEEK - 1; k >= 1; k -= 1) {
    const cut = (s: readonly number[] | undefined) => s?.slice(0, s.length - k);
    const earlier = detectTrend(
      { daily: cut(input.daily) ?? [], ...(input.totalDaily ? { totalDaily: cut(input.totalDaily) } : {}) },
      params,
    );
    if (!earlier.fired) continue;
    const last = reports[reports.length - 1];
    if (!last || earlier.observed >= last.observed * params.repeatGrowth)
      reports.push({ daysAgo: k, observed: earlier.observed });
  }
  const last = reports[reports.length - 1];
  if (!last) return today;
  if (today.observed >= last.observed * params.repeatGrowth)
    return { ...today, reportedDaysAgo: last.daysAgo };
  return { ...today, fired: false, blockedBy: ['reported'], reportedDaysAgo: last.daysAgo };
}
