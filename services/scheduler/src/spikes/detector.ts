// The spike detector: a pure function over counts, so that the benchmark (tests/bench/spikes.ts)
// and unit tests run it without Elasticsearch. Counts come in windows of one length (e.g. 1 h);
// `history` holds the consecutive windows before the current one, oldest first.
import { robustMean, sum, upperTail } from './stats.ts';

export type SpikeParams = {
  /** Windows per day (24 for one-hour windows): where "the same time yesterday" is. */
  slotsPerDay: number;
  /** Past weeks compared for the same time of the week. */
  weeks: number;
  /** Guards that keep alerts meaningful. */
  minCount: number;
  minRatio: number;
  /** Minimum −log10(p-value) of the observed count under the baseline. */
  minScore: number;
  /** The narrative's share of all posts must rise by this much too: a general rise is no spike. */
  minShareRatio: number;
  /** Over-dispersion of the negative binomial (variance = μ + α·μ²). */
  alpha: number;
  /**
   * Window multiples also judged (e.g. [1, 3, 6, 12, 24] hours): a narrative at one post an hour
   * cannot show a 3× rise in one hour, but does over twelve. Multiples that do not divide a day
   * are skipped.
   */
  scales: readonly number[];
  /** minScore for the longer windows: they are fewer independent tests a week than hourly ones. */
  longMinScore: number;
};

export const DEFAULT_SPIKE_PARAMS: SpikeParams = {
  slotsPerDay: 24,
  weeks: 4,
  minCount: 5,
  minRatio: 2,
  minScore: 4,
  minShareRatio: 1.5,
  alpha: 0.04,
  scales: [1, 3, 6, 12, 24],
  longMinScore: 3,
};

export type SpikeInput = {
  observed: number;
  history: readonly number[];
  /** All posts in the same windows, for the relative-share view (optional). */
  totalObserved?: number;
  totalHistory?: readonly number[];
};

export type SpikeVerdict = {
  fired: boolean;
  observed: number;
  expected: number;
  ratio: number;
  pValue: number;
  score: number;
  share?: number;
  expectedShare?: number;
  shareRatio?: number;
  /** Which guards held the alert back (empty when fired). */
  blockedBy: string[];
  /** How many windows the verdict is about (1, or a longer multiple from `scales`). */
  windows: number;
};

/** Never expect less than this: a narrative that was silent is not infinitely surprising. */
const EXPECTED_FLOOR = 0.5;

/**
 * Expected count of the window right after `history`, knowing the time of day and day of week:
 * (a) the same window in each of the past weeks, and (b) the same window on each of the past seven
 * days scaled by how busy this weekday usually is, blended by how many samples each has.
 */
export function expectedCount(
  history: readonly number[],
  params: Pick<SpikeParams, 'slotsPerDay' | 'weeks'>,
) {
  const n = history.length;
  const day = params.slotsPerDay;
  const week = 7 * day;
  if (n === 0) return EXPECTED_FLOOR;
  if (n < day) return Math.max(EXPECTED_FLOOR, sum(history, 0, n) / n);

  const weekly: number[] = [];
  for (let w = 1; w <= params.weeks && n - w * week >= 0; w += 1) weekly.push(history[n - w * week] ?? 0);
  const daily: number[] = [];
  for (let d = 1; d <= 7 && n - d * day >= 0; d += 1) daily.push(history[n - d * day] ?? 0);

  // Weekday factor: a few hours around this time on the same weekday in past weeks, against the
  // same hours on every past day. Narrow blocks keep the next or previous weekday out of it.
  const half = Math.max(1, Math.round(day / 8));
  const block = (lagDays: number) => sum(history, n - lagDays * day - half, n - lagDays * day + half + 1);
  const sameWeekday: number[] = [];
  for (let w = 1; w <= params.weeks && n - w * week - half >= 0; w += 1) sameWeekday.push(block(7 * w));
  const allDays: number[] = [];
  for (let d = 1; d <= 7 * params.weeks && n - d * day - half >= 0; d += 1) allDays.push(block(d));
  const weekdayMean = robustMean(sameWeekday);
  const dayMean = robustMean(allDays);
  const weekdayFactor = weekdayMean !== undefined && dayMean ? weekdayMean / dayMean : 1;

  const fromWeeks = robustMean(weekly);
  const fromDays = (robustMean(daily) ?? 0) * weekdayFactor;
  const expected =
    fromWeeks === undefined
      ? fromDays
      : (weekly.length * fromWeeks + daily.length * fromDays) / (weekly.length + daily.length);
  return Math.max(EXPECTED_FLOOR, expected);
}

/** One window length: every guard must hold; `blockedBy` says which did not. */
function detectAtScale(
  input: SpikeInput,
  params: SpikeParams,
  windows: number,
  minScore: number,
): SpikeVerdict {
  const expected = expectedCount(input.history, params);
  const pValue = upperTail(input.observed, expected, params.alpha);
  const score = -Math.log10(Math.max(pValue, 1e-300));
  const ratio = input.observed / expected;
  const verdict: SpikeVerdict = {
    fired: false,
    observed: input.observed,
    expected,
    ratio,
    pValue,
    score,
    blockedBy: [],
    windows,
  };
  if (input.totalObserved !== undefined && input.totalHistory && input.totalObserved > 0) {
    // The relative view compares the narrative's rise with the rise of everything else: a general
    // rise of posting lifts both and holds the alert back, while a narrative that is itself most of
    // a quiet hour's posts still fires (comparing shares would block it, as the total rose with it).
    const expectedTotal = expectedCount(input.totalHistory, params);
    const othersObserved = Math.max(0, input.totalObserved - input.observed);
    const othersExpected = Math.max(EXPECTED_FLOOR, expectedTotal - expected);
    const othersRise = Math.max(1, othersObserved / othersExpected);
    verdict.share = input.observed / input.totalObserved;
    verdict.expectedShare = Math.min(1, expected / Math.max(expectedTotal, EXPECTED_FLOOR));
    verdict.shareRatio = ratio / othersRise;
    if (verdict.shareRatio < params.minShareRatio) verdict.blockedBy.push('minShareRatio');
    // And against the expected count lifted by the general rise: at a few posts an hour, counting
    // noise alone makes the ratio above pass in one general rise out of several.
    if (othersRise > 1) {
      const lifted = -Math.log10(
        Math.max(upperTail(input.observed, expected * othersRise, params.alpha), 1e-300),
      );
      if (lifted < minScore) verdict.blockedBy.push('generalRise');
    }
  }
  if (input.observed < params.minCount) verdict.blockedBy.push('minCount');
  if (ratio < params.minRatio) verdict.blockedBy.push('minRatio');
  if (score < minScore) verdict.blockedBy.push('minScore');
  verdict.fired = verdict.blockedBy.length === 0;
  return verdict;
}

/** Sums of `k` consecutive windows, aligned so that the last block ends with `observed`. */
function blocks(
  history: readonly number[],
  observed: number,
  k: number,
): { observed: number; history: number[] } {
  const series = [...history, observed];
  const out: number[] = [];
  for (let end = series.length; end - k >= 0; end -= k) out.push(sum(series, end - k, end));
  out.reverse();
  return { observed: out.pop() ?? 0, history: out };
}

/**
 * Is the observed count a spike? Judged over the last window and over each longer multiple of it
 * in `scales`; the shortest window that fires is the verdict (the most precise place and time).
 * A longer window fires only when the rise is spread over it: without its busiest quarter it must
 * still reach the ratio, so one burst (which the short window judges) does not echo for a day.
 */
export function detectSpike(input: SpikeInput, params: SpikeParams = DEFAULT_SPIKE_PARAMS): SpikeVerdict {
  const first = detectAtScale(input, params, 1, params.minScore);
  if (first.fired) return first;
  for (const k of params.scales) {
    if (k <= 1 || params.slotsPerDay % k !== 0 || input.history.length < k) continue;
    const counts = blocks(input.history, input.observed, k);
    const totals =
      input.totalHistory && input.totalObserved !== undefined
        ? blocks(input.totalHistory, input.totalObserved, k)
        : undefined;
    const verdict = detectAtScale(
      {
        observed: counts.observed,
        history: counts.history,
        ...(totals ? { totalObserved: totals.observed, totalHistory: totals.history } : {}),
      },
      { ...params, slotsPerDay: params.slotsPerDay / k },
      k,
      params.longMinScore,
    );
    if (!verdict.fired) continue;
    // Without its busiest quarter of windows the rest must still reach the ratio.
    const drop = Math.ceil(k / 4);
    const windows = [...input.history.slice(input.history.length - (k - 1)), input.observed].sort(
      (a, b) => b - a,
    );
    const busiest = windows.slice(0, drop).reduce((a, b) => a + b, 0);
    if (verdict.observed - busiest < params.minRatio * verdict.expected * ((k - drop) / k)) continue;
    return verdict;
  }
  return first;
}
