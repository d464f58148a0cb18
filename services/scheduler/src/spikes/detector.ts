// The spike detector: a pure function over counts, so that the benchmark (tests/bench/spikes.ts)
// and unit tests run it without Elasticsearch. Counts come in windows of one length (e.g. 1 h);
// `history` holds the consecutive windows before the current one, oldest first.
import { type CusumParams, type CusumWindow, cusum, withoutBursts } from './cusum.ts';
import { profileExpectedCounts } from './profile-baseline.ts';
import { robustMean, robustMeanUnbiased, sum, upperTail } from './stats.ts';

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
  /** The CUSUM over the last windows (a lasting rise at a few posts an hour); lookback 0: off. */
  cusum: CusumParams;
};

export const DEFAULT_SPIKE_PARAMS: SpikeParams = {
  slotsPerDay: 24,
  weeks: 4,
  minCount: 5,
  minRatio: 2,
  minScore: 4,
  minShareRatio: 1.5,
  alpha: 0.04,
  scales: [1],
  longMinScore: 3,
  cusum: {
    ratio: 3,
    threshold: 4,
    lookback: 48,
    alpha: 0.04,
    floor: 0.1,
    maxStep: 1,
    spread: 1,
    baseline: 'profile',
    levelDays: 14,
  },
};

/** The CUSUM as first shipped: each window's expected count from the same time on past days and
 * weeks (kept for the benchmark's comparison and as CW_SPIKE_CUSUM_BASELINE=windows). */
export const PREVIOUS_CUSUM_PARAMS: SpikeParams = {
  ...DEFAULT_SPIKE_PARAMS,
  cusum: { ...DEFAULT_SPIKE_PARAMS.cusum, baseline: 'windows', threshold: 5 },
};

/** The detector as shipped before the CUSUM: the one-window test plus 3, 6, 12 and 24 h windows
 * (kept for the benchmark's comparison). */
export const SCAN_SPIKE_PARAMS: SpikeParams = {
  ...DEFAULT_SPIKE_PARAMS,
  scales: [1, 3, 6, 12, 24],
  cusum: { ...DEFAULT_SPIKE_PARAMS.cusum, lookback: 0 },
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
  /** How many windows the verdict is about (1, a longer multiple from `scales`, or the CUSUM's span). */
  windows: number;
  /** Which test decided: one window (or a multiple of it), or the CUSUM over the last windows. */
  method: 'window' | 'cusum';
  /** The CUSUM statistic after the current window (when the CUSUM decided). */
  statistic?: number;
};

/**
 * Bench-only switches, to measure where the CUSUM's early recall goes (tests/bench/spikes-ablate.ts).
 * Production never passes them: with none set the detector is the one that ships.
 */
export type CusumProbe = {
  /** The expected counts known (the rate the series was drawn from), aligned with history plus
   * the current window; `total` the same for all posting. Replaces the baseline's estimate. */
  knownExpected?: { narrative: readonly number[]; total?: readonly number[] };
  /** No general-rise lift of the expected counts. */
  noGeneralRise?: boolean;
  /** Windows that are spikes on their own are added up as they are (no `withoutBursts`). */
  keepBursts?: boolean;
  /** No `minCount` over the span. */
  noMinCount?: boolean;
  /** No `minShareRatio` over the span. */
  noShareRatio?: boolean;
  /** The profile baseline's level from all its days, none trimmed. */
  untrimmedLevel?: boolean;
  /** The profile baseline's level without the days far above it (2σ), then trimmed. */
  dropRiseDays?: boolean;
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
  options: {
    /** Judge the window right after history[end − 1] (the CUSUM asks for each window it sums). */
    end?: number;
    /** How samples are averaged: without the largest (`robustMean`), or that without its bias. */
    mean?: (values: readonly number[]) => number | undefined;
    /** Never expect less than this. */
    floor?: number;
    /**
     * Each sample is the mean of the window and `spread` windows either side of it (the same hours
     * of the past days and weeks): at a few posts a window a sample is mostly counting noise, and
     * the CUSUM, adding many windows, needs each window's level more than its exact time of day.
     */
    spread?: number;
  } = {},
) {
  const n = options.end ?? history.length;
  const mean = options.mean ?? robustMean;
  const floor = options.floor ?? EXPECTED_FLOOR;
  const r = options.spread ?? 0;
  const day = params.slotsPerDay;
  const week = 7 * day;
  if (n === 0) return floor;
  if (n < day) return Math.max(floor, sum(history, 0, n) / n);

  // Samples are sums of 2r + 1 windows (integers, as the unbiased mean wants), divided at the end.
  const sample = (at: number) => (r === 0 ? (history[at] ?? 0) : sum(history, at - r, at + r + 1));
  const weekly: number[] = [];
  for (let w = 1; w <= params.weeks && n - w * week - r >= 0; w += 1) weekly.push(sample(n - w * week));
  const daily: number[] = [];
  for (let d = 1; d <= 7 && n - d * day - r >= 0; d += 1) daily.push(sample(n - d * day));

  // Weekday factor: a few hours around this time on the same weekday in past weeks, against the
  // same hours on every past day. Narrow blocks keep the next or previous weekday out of it.
  const half = Math.max(1, Math.round(day / 8));
  const block = (lagDays: number) => sum(history, n - lagDays * day - half, n - lagDays * day + half + 1);
  const sameWeekday: number[] = [];
  for (let w = 1; w <= params.weeks && n - w * week - half >= 0; w += 1) sameWeekday.push(block(7 * w));
  const allDays: number[] = [];
  for (let d = 1; d <= 7 * params.weeks && n - d * day - half >= 0; d += 1) allDays.push(block(d));
  const weekdayMean = mean(sameWeekday);
  const dayMean = mean(allDays);
  const weekdayFactor = weekdayMean !== undefined && dayMean ? weekdayMean / dayMean : 1;

  const weeklyMean = mean(weekly);
  const fromWeeks = weeklyMean === undefined ? undefined : weeklyMean / (2 * r + 1);
  const fromDays = ((mean(daily) ?? 0) / (2 * r + 1)) * weekdayFactor;
  const expected =
    fromWeeks === undefined
      ? fromDays
      : (weekly.length * fromWeeks + daily.length * fromDays) / (weekly.length + daily.length);
  return Math.max(floor, expected);
}

/**
 * The relative view compares the narrative's rise with the rise of everything else: a general rise
 * of posting lifts both and holds the alert back, while a narrative that is itself most of a quiet
 * hour's posts still fires (comparing shares would block it, as the total rose with it). Sets the
 * share fields of `verdict`, adds `minShareRatio` when held back, and returns the others' rise.
 */
function shareView(
  verdict: SpikeVerdict,
  totalObserved: number,
  expectedTotal: number,
  params: SpikeParams,
): number {
  const othersObserved = Math.max(0, totalObserved - verdict.observed);
  const othersExpected = Math.max(EXPECTED_FLOOR, expectedTotal - verdict.expected);
  const othersRise = Math.max(1, othersObserved / othersExpected);
  verdict.share = verdict.observed / totalObserved;
  verdict.expectedShare = Math.min(1, verdict.expected / Math.max(expectedTotal, EXPECTED_FLOOR));
  verdict.shareRatio = verdict.ratio / othersRise;
  if (verdict.shareRatio < params.minShareRatio) verdict.blockedBy.push('minShareRatio');
  return othersRise;
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
    method: 'window',
  };
  if (input.totalObserved !== undefined && input.totalHistory && input.totalObserved > 0) {
    const expectedTotal = expectedCount(input.totalHistory, params);
    const othersRise = shareView(verdict, input.totalObserved, expectedTotal, params);
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
 * The CUSUM over the last `cusum.lookback` windows, each against its own expected count (the same
 * baseline as the one-window test: time of day and weekday, each sample pooled over the windows
 * either side and averaged with its largest replaced by the largest's usual size). Its verdict
 * is about the span since the statistic last left 0 (observed and expected summed over it), with
 * the guards that make sense over a span: the minimum count and the general rise. It stays quiet
 * once the statistic has fallen by the threshold from its peak: that fall is as much evidence that
 * the rise is over as the threshold was that it began. Undefined when the statistic is below the
 * threshold.
 */
function detectCusum(
  input: SpikeInput,
  params: SpikeParams,
  probe: CusumProbe = {},
): SpikeVerdict | undefined {
  const { threshold, lookback } = params.cusum;
  const n = input.history.length;
  const at = (series: readonly number[], current: number, t: number) => (t < n ? (series[t] ?? 0) : current);
  const from = Math.max(0, n + 1 - lookback);
  // Where the data starts: the first window with any post (of all posting when known). The history
  // read from Elasticsearch reaches back a month even when collection began last week.
  const firstPost = (input.totalHistory ?? input.history).findIndex((c) => c > 0);
  const dataStart = firstPost < 0 ? n : firstPost;
  const expectedOf = (series: readonly number[], floor: number, known?: readonly number[]) => {
    if (known) return known.slice(from, n + 1).map((e) => Math.max(floor, e));
    if (params.cusum.baseline === 'profile')
      return profileExpectedCounts(series, from, {
        slotsPerDay: params.slotsPerDay,
        weeks: params.weeks,
        levelDays: params.cusum.levelDays,
        floor,
        dataStart,
        ...(probe.untrimmedLevel ? { trimLevel: false } : {}),
        ...(probe.dropRiseDays ? { dropRiseDays: true } : {}),
      });
    const out: number[] = [];
    for (let t = from; t <= n; t += 1)
      out.push(
        expectedCount(series, params, {
          end: t,
          mean: robustMeanUnbiased,
          floor,
          spread: params.cusum.spread,
        }),
      );
    return out;
  };
  const windows: CusumWindow[] = expectedOf(
    input.history,
    params.cusum.floor,
    probe.knownExpected?.narrative,
  ).map((e, i) => ({
    observed: at(input.history, input.observed, from + i),
    expected: e,
  }));
  const counted = probe.keepBursts ? windows : withoutBursts(windows, params);
  const plain = cusum(counted, params.cusum);
  if (plain.statistic < threshold) return undefined;

  // The general rise, window by window: each window's expected count lifted by how much all other
  // posting rose in it, so hours when everything rose add no evidence (and leave none behind). The
  // rise taken is its lower bound (two standard deviations of the others' count below it): the
  // others' ordinary noise would otherwise lift every busier hour and dull the test.
  let run = plain;
  let totals: CusumWindow[] | undefined;
  const totalHistory = input.totalHistory;
  if (totalHistory && input.totalObserved !== undefined) {
    const totalObserved = input.totalObserved;
    totals = expectedOf(totalHistory, EXPECTED_FLOOR, probe.knownExpected?.total).map((e, i) => ({
      observed: at(totalHistory, totalObserved, from + i),
      expected: e,
    }));
    const lifted = counted.map((w, i) => {
      const total = totals?.[i] ?? { observed: 0, expected: 0 };
      const othersObserved = Math.max(0, total.observed - (windows[i]?.observed ?? 0));
      const othersExpected = Math.max(EXPECTED_FLOOR, total.expected - w.expected);
      const lift = Math.max(1, (othersObserved - 2 * Math.sqrt(othersExpected)) / othersExpected);
      return { ...w, expected: w.expected * lift };
    });
    if (!probe.noGeneralRise) run = cusum(lifted, params.cusum);
  }
  const fromStart = run.statistic >= threshold ? run.start : plain.start;
  const span = windows.slice(fromStart);
  const observed = span.reduce((a, w) => a + w.observed, 0);
  const expected = span.reduce((a, w) => a + w.expected, 0);
  const pValue = upperTail(observed, expected, params.alpha);
  const verdict: SpikeVerdict = {
    fired: false,
    observed,
    expected,
    ratio: observed / expected,
    pValue,
    score: -Math.log10(Math.max(pValue, 1e-300)),
    blockedBy: [],
    windows: span.length,
    method: 'cusum',
    statistic: run.statistic,
  };
  if (totals) {
    const spanTotals = totals.slice(fromStart);
    const totalObserved = spanTotals.reduce((a, w) => a + w.observed, 0);
    const expectedTotal = spanTotals.reduce((a, w) => a + w.expected, 0);
    if (totalObserved > 0) shareView(verdict, totalObserved, expectedTotal, params);
    if (probe.noShareRatio) verdict.blockedBy = verdict.blockedBy.filter((b) => b !== 'minShareRatio');
    if (run.statistic < threshold) verdict.blockedBy.push('generalRise');
  }
  if (run.peak - run.statistic >= threshold) verdict.blockedBy.push('cusumEnded');
  if (observed < params.minCount && !probe.noMinCount) verdict.blockedBy.push('minCount');
  verdict.fired = verdict.blockedBy.length === 0;
  return verdict;
}

/**
 * Is the observed count a spike? Judged over the last window and over each longer multiple of it
 * in `scales`; the shortest window that fires is the verdict (the most precise place and time).
 * A longer window fires only when the rise is spread over it: without its busiest quarter it must
 * still reach the ratio, so one burst (which the short window judges) does not echo for a day.
 * Then the CUSUM (a lasting rise at a few posts an hour); when it reached its threshold but a guard
 * held it back, its verdict says which.
 */
export function detectSpike(
  input: SpikeInput,
  params: SpikeParams = DEFAULT_SPIKE_PARAMS,
  probe?: CusumProbe,
): SpikeVerdict {
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
  if (params.cusum.lookback > 0) return detectCusum(input, params, probe) ?? first;
  return first;
}
