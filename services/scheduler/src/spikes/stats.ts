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
