// Tail probabilities for counts. Plain functions so the detector stays pure and benchable.

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7): accurate to ~1e-13, enough for p-values. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = 0.99999999999980993;
  const t = z + 7.5;
  for (let i = 0; i < LANCZOS.length; i += 1) a += (LANCZOS[i] ?? 0) / (z + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * P(X ≥ k) for a negative binomial with mean `mean` and dispersion `alpha` (variance = mean +
 * alpha·mean²); alpha = 0 is the Poisson. The extra variance absorbs what a Poisson ignores: noise
 * beyond counting and the uncertainty of a baseline estimated from a few past weeks.
 */
export function upperTail(k: number, mean: number, alpha: number): number {
  if (k <= 0) return 1;
  const mu = Math.max(mean, 1e-9);
  const logPmf =
    alpha <= 0
      ? (x: number) => x * Math.log(mu) - mu - logGamma(x + 1)
      : (() => {
          const r = 1 / alpha;
          const logP = Math.log(r / (r + mu));
          const logQ = Math.log(mu / (r + mu));
          return (x: number) => logGamma(x + r) - logGamma(r) - logGamma(x + 1) + r * logP + x * logQ;
        })();
  // Sum the tail from k upwards: exact for tiny p-values, where 1 − CDF would cancel to zero.
  let sum = 0;
  for (let x = k; x < k + 100_000; x += 1) {
    const term = Math.exp(logPmf(x));
    sum += term;
    if (x > mu && term < sum * 1e-12) break;
  }
  return Math.min(1, sum);
}

/** Mean without the largest value: one past spike in the samples should not lift the baseline. */
export function robustMean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  if (values.length < 3) return values.reduce((a, b) => a + b, 0) / values.length;
  const sorted = [...values].sort((a, b) => a - b);
  sorted.pop();
  return sorted.reduce((a, b) => a + b, 0) / sorted.length;
}

/** values[from] + … + values[to − 1], indices outside the array counting as 0. */
export function sum(values: readonly number[], from: number, to: number): number {
  let total = 0;
  for (let i = Math.max(0, from); i < Math.min(values.length, to); i += 1) total += values[i] ?? 0;
  return total;
}

/** E[max of n independent Poisson(mean) draws] = Σ_j (1 − P(X ≤ j)ⁿ). */
export function expectedPoissonMax(mean: number, n: number): number {
  if (mean <= 0) return 0;
  // Start ten standard deviations below the mean: below it P(X ≤ j) is nil, so each term is 1 (and
  // e^−mean, where the sum would start, underflows to 0 above a mean of ~745).
  const lo = Math.max(0, Math.floor(mean - 10 * Math.sqrt(mean) - 5));
  let total = lo;
  let pmf = Math.exp(lo * Math.log(mean) - mean - logGamma(lo + 1));
  let cdf = pmf;
  for (let j = lo; j < lo + 100_000; j += 1) {
    const tail = 1 - cdf ** n;
    total += tail;
    if (j > mean && tail < 1e-9) break;
    pmf *= mean / (j + 1);
    cdf += pmf;
  }
  return total;
}

/**
 * The mean without the largest value, as robust as `robustMean`, but without its bias: dropping
 * the largest of n Poisson counts makes the mean some 10–25 % too low at a few posts a window, which
 * a test adding evidence over many windows (the CUSUM) would read as a rise. The largest is replaced
 * by what the largest of n draws is on average at the level the others show.
 */
export function robustMeanUnbiased(values: readonly number[]): number | undefined {
  if (values.length < 3) return robustMean(values);
  const n = values.length;
  const total = values.reduce((a, b) => a + b, 0);
  const rest = total - Math.max(...values);
  // A function of (n, rest) alone, asked for the same pairs again and again (the CUSUM asks for
  // every window of its lookback at each evaluation): remembered.
  const key = n * 1e9 + rest;
  const known = unbiasedMeans.get(key);
  if (known !== undefined) return known;
  let mean = rest / (n - 1);
  // Two rounds: the first level is itself a little low.
  for (let i = 0; i < 2; i += 1) mean = (rest + expectedPoissonMax(mean, n)) / n;
  if (unbiasedMeans.size > 100_000) unbiasedMeans.clear();
  unbiasedMeans.set(key, mean);
  return mean;
}

const unbiasedMeans = new Map<number, number>();
