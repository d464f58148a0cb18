// Page's CUSUM over the last windows: the sequential test for a lasting rise of the rate. At one
// post an hour no single window holds enough posts to tell a 3× rise from noise, but the evidence
// of each window adds up: S = max(0, S + log-likelihood ratio of "k× the expected count" against
// "the expected count"), which is the optimal test for a persistent shift. Pure over counts, like
// the window test, so a replay of a past time decides exactly as the evaluation then did.
import { upperTail } from './stats.ts';

export type CusumParams = {
  /** The rise the test is tuned for (k: the expected count × k). */
  ratio: number;
  /** Fire when the statistic reaches this (in natural-log likelihood-ratio units). */
  threshold: number;
  /** Windows summed, ending with the current one; 0 turns the test off. */
  lookback: number;
  /** Over-dispersion assumed by the likelihood ratio (variance = μ + α·μ²). */
  alpha: number;
  /** Never expect less than this per window (a quiet night's hour still counts a little). */
  floor: number;
  /** One window adds at most this share of the threshold: a lasting rise is more than one window. */
  maxStep: number;
  /** Windows either side pooled into each baseline sample (see `expectedCount`). */
  spread: number;
  /**
   * Each window's expected count: `windows`, the same time of day on past days and weeks (as the
   * one-window test), or `profile`, a level from the last `levelDays` days times a time-of-week
   * profile fitted to the weeks before (profile-baseline.ts): far more posts behind each figure.
   */
  baseline: 'windows' | 'profile';
  /** Days before each window whose posts set its level (baseline `profile`). */
  levelDays: number;
};

export type CusumWindow = { observed: number; expected: number };

export type CusumRun = {
  /** The statistic after the current window. */
  statistic: number;
  /** The largest value it reached in the lookback since it last left 0. */
  peak: number;
  /** Index (into the windows given) of the first window since the statistic last left 0. */
  start: number;
};

/**
 * Log-likelihood ratio of `x` posts under a negative binomial of mean k·μ against mean μ, with
 * variance μ + α·μ² (α = 0: the Poisson's x·ln k − (k − 1)·μ). The extra variance makes a count
 * above the expected one weigh less when the baseline is itself uncertain.
 */
export function logLikelihoodRatio(x: number, mu: number, k: number, alpha: number): number {
  if (alpha <= 0) return x * Math.log(k) - (k - 1) * mu;
  const r = 1 / alpha;
  return x * Math.log((k * (r + mu)) / (r + k * mu)) + r * Math.log((r + mu) / (r + k * mu));
}

/** The CUSUM over `windows` (oldest first) from S = 0 before the first. */
export function cusum(
  windows: readonly CusumWindow[],
  params: Pick<CusumParams, 'ratio' | 'alpha' | 'threshold' | 'maxStep'>,
): CusumRun {
  const cap = params.maxStep * params.threshold;
  let statistic = 0;
  let peak = 0;
  let start = 0;
  windows.forEach((w, i) => {
    if (statistic === 0) start = i;
    const step = logLikelihoodRatio(w.observed, w.expected, params.ratio, params.alpha);
    statistic = Math.max(0, statistic + Math.min(step, cap));
    if (statistic === 0) peak = 0;
    peak = Math.max(peak, statistic);
  });
  return { statistic, peak, start };
}

/**
 * What the CUSUM adds up: a window that is a spike on its own (the one-window test judges it, and a
 * flood is one) counts as expected, so one burst neither echoes for a day nor makes a later rise
 * look like part of it.
 */
export function withoutBursts(
  windows: readonly CusumWindow[],
  guard: { minCount: number; minRatio: number; minScore: number; alpha: number },
): CusumWindow[] {
  return windows.map((w) => {
    if (w.observed < guard.minCount || w.observed < guard.minRatio * w.expected) return w;
    const score = -Math.log10(Math.max(upperTail(w.observed, w.expected, guard.alpha), 1e-300));
    return score >= guard.minScore ? { observed: w.expected, expected: w.expected } : w;
  });
}
