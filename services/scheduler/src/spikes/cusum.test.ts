import { seededRandom } from '@cw/sample-channels';
import { describe, expect, it } from 'vitest';
import { type AlertState, decideAlert } from './alert-state.ts';
import { cusum, logLikelihoodRatio } from './cusum.ts';
import { DEFAULT_SPIKE_PARAMS, detectSpike, SCAN_SPIKE_PARAMS, type SpikeParams } from './detector.ts';
import { expectedPoissonMax, robustMean, robustMeanUnbiased } from './stats.ts';

/** Gamma(shape, scale 1/shape), mean 1 (Marsaglia–Tsang; shape ≥ 1 here). */
function gammaMeanOne(shape: number, next: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const u1 = next() || 1e-12;
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * next());
    const v = (1 + c * z) ** 3;
    if (v > 0 && Math.log(next() || 1e-12) < 0.5 * z * z + d - d * v + d * Math.log(v))
      return (d * v) / shape;
  }
}

/**
 * Hourly counts at `level` posts an hour with a day-night cycle and negative-binomial noise: a
 * day-level gamma factor (a busier news day: sd 9 %, as the benchmark's ±15 % uniform one) and an
 * hour-level one (variance μ + 0.04·μ²).
 */
function noisySeries(level: number, hours: number, seed: number): number[] {
  // The sample generator's seeded PRNG, so the noisy series are the same on every run.
  const rng = seededRandom(seed);
  const next = rng.next;
  const days = Array.from({ length: Math.ceil(hours / 24) }, () => gammaMeanOne(1 / 0.0075, next));
  return Array.from({ length: hours }, (_, h) => {
    const daily = 1 + 0.6 * Math.sin(((h % 24) - 9) * ((2 * Math.PI) / 24));
    const mean = level * daily * (days[Math.floor(h / 24)] ?? 1) * gammaMeanOne(1 / 0.04, next);
    return rng.poisson(mean);
  });
}

const windowOnly: SpikeParams = {
  ...DEFAULT_SPIKE_PARAMS,
  cusum: { ...DEFAULT_SPIKE_PARAMS.cusum, lookback: 0 },
};

describe('CUSUM', () => {
  it('adds up the evidence of each window and says where it started', () => {
    // Poisson: x·ln k − (k − 1)·μ.
    expect(logLikelihoodRatio(3, 1, 3, 0)).toBeCloseTo(3 * Math.log(3) - 2, 10);
    // Extra variance makes the same count weigh less.
    expect(logLikelihoodRatio(3, 1, 3, 0.5)).toBeLessThan(logLikelihoodRatio(3, 1, 3, 0));
    const windows = [1, 0, 1, 3, 3, 3].map((observed) => ({ observed, expected: 1 }));
    const run = cusum(windows, { ratio: 3, alpha: 0, threshold: 10, maxStep: 1 });
    expect(run.start).toBe(3);
    expect(run.statistic).toBeCloseTo(3 * (3 * Math.log(3) - 2), 10);
    // One window adds at most maxStep × threshold.
    const capped = cusum([{ observed: 40, expected: 1 }], { ratio: 3, alpha: 0, threshold: 4, maxStep: 0.5 });
    expect(capped.statistic).toBe(2);
  });

  it('fires on a 3× rise at 1 post an hour within hours, where the one-hour window never can', () => {
    const flat = new Array<number>(31 * 24).fill(1);
    let firedAfter: number | undefined;
    for (let hours = 1; hours <= 12; hours += 1) {
      const history = [...flat, ...new Array<number>(hours - 1).fill(3)];
      // Three posts in an hour is below the minimum count: the window alone cannot fire, ever.
      expect(detectSpike({ observed: 3, history }, windowOnly).fired).toBe(false);
      const verdict = detectSpike({ observed: 3, history });
      if (verdict.fired && firedAfter === undefined) {
        firedAfter = hours;
        expect(verdict.method).toBe('cusum');
        // The span is the rise: from where the statistic left 0.
        expect(verdict.windows).toBe(hours);
        expect(verdict.observed).toBe(3 * hours);
        // The profile baseline reads a constant series' level exactly (the same-time samples' mean
        // with its largest replaced came out a little high: a constant series is calmer than a Poisson one).
        expect(verdict.expected / hours).toBeGreaterThanOrEqual(0.99);
        expect(verdict.expected / hours).toBeLessThan(1.5);
      }
    }
    expect(firedAfter).toBeDefined();
    expect(firedAfter).toBeLessThanOrEqual(8);
  });

  it('stops firing within hours of the rise ending, not a day of decay later', () => {
    const flat = new Array<number>(31 * 24).fill(1);
    const rise = new Array<number>(12).fill(3);
    const fired = (after: number) =>
      detectSpike({ observed: 1, history: [...flat, ...rise, ...new Array<number>(after).fill(1)] }).fired;
    expect(fired(0)).toBe(true);
    const quietAfter = [1, 2, 3, 4, 5, 6, 7, 8].find((h) => !fired(h));
    expect(quietAfter).toBeDefined();
    expect(quietAfter).toBeLessThanOrEqual(6);
  });

  it('on a flat narrative with negative-binomial noise raises no more false alerts than the window scan it replaced, and far fewer than a low threshold', () => {
    const weeks = 8;
    const start = 4 * 7 * 24 + 48;
    const series = noisySeries(1, start + weeks * 7 * 24, 2);
    // Alerts as analysts get them: firings within the cool-down of the last one update it.
    const opened = (params: SpikeParams) => {
      let state: AlertState | undefined;
      let count = 0;
      for (let h = start; h < series.length; h += 1) {
        const verdict = detectSpike({ observed: series[h] ?? 0, history: series.slice(0, h) }, params);
        const nowMs = (h + 1) * 3_600_000;
        const decision = decideAlert(state, verdict.fired, verdict.observed, nowMs, {
          cooldownMs: 6 * 3_600_000,
          windowMs: 3_600_000,
        });
        if (decision.action === 'open') count += 1;
        if (decision.action === 'open' || decision.action === 'update')
          state = {
            id: 'a',
            status: 'open',
            lastFiredAt: new Date(nowMs).toISOString(),
            notifiedObserved: verdict.observed,
            revision: 1,
          };
        else if (decision.action === 'resolve' && state) state = { ...state, status: 'resolved' };
      }
      return count;
    };
    const now = opened(DEFAULT_SPIKE_PARAMS);
    // This noise is harsher than the benchmark's (an hour-level over-dispersion on top of the
    // day's): on 7 seeds both detectors gave 0.5–1.6 false alerts a week; on this one 4 each.
    expect(now).toBeLessThanOrEqual(opened(SCAN_SPIKE_PARAMS));
    expect(now).toBeLessThanOrEqual(weeks * 0.5);
    const eager = { ...DEFAULT_SPIKE_PARAMS, cusum: { ...DEFAULT_SPIKE_PARAMS.cusum, threshold: 2 } };
    expect(opened(eager)).toBeGreaterThan(3 * now);
  });

  it('judges each window against an unbiased level: the mean without the largest sample is too low', () => {
    // The largest of 7 Poisson(3) draws is about 5.3 on average.
    expect(expectedPoissonMax(3, 7)).toBeGreaterThan(5);
    expect(expectedPoissonMax(3, 7)).toBeLessThan(5.6);
    // Large means too (all posting in a day): about the mean plus 1.35 standard deviations.
    expect(expectedPoissonMax(3000, 7)).toBeGreaterThan(3000 + 1.2 * Math.sqrt(3000));
    expect(expectedPoissonMax(3000, 7)).toBeLessThan(3000 + 1.5 * Math.sqrt(3000));
    const rng = seededRandom(3);
    let plain = 0;
    let unbiased = 0;
    for (let i = 0; i < 2000; i += 1) {
      const sample = Array.from({ length: 7 }, () => rng.poisson(3));
      plain += robustMean(sample) ?? 0;
      unbiased += robustMeanUnbiased(sample) ?? 0;
    }
    expect(plain / 2000).toBeLessThan(2.75);
    expect(unbiased / 2000).toBeGreaterThan(2.9);
    expect(unbiased / 2000).toBeLessThan(3.1);
    // Still robust: one spike among the samples does not lift it.
    expect(robustMeanUnbiased([3, 3, 3, 3, 3, 3, 40])).toBeLessThan(4);
  });
});

describe('bench-only probe (tests/bench/spikes-ablate.ts)', () => {
  it('judges against the known expected counts it is given instead of the baseline estimate', () => {
    // Four hours at 3 posts after a month at 1: a rise against the history's own baseline.
    const history = [...new Array<number>(31 * 24).fill(1), 3, 3, 3];
    const n = history.length + 1;
    expect(detectSpike({ observed: 3, history }).fired).toBe(true);
    // Told that 3 an hour was expected all along, the same counts are no rise.
    const known = new Array<number>(n).fill(3);
    expect(
      detectSpike({ observed: 3, history }, DEFAULT_SPIKE_PARAMS, { knownExpected: { narrative: known } })
        .fired,
    ).toBe(false);
    // Told 1 an hour, it fires as on its own estimate, with that expected count over the span.
    const ones = new Array<number>(n).fill(1);
    const verdict = detectSpike({ observed: 3, history }, DEFAULT_SPIKE_PARAMS, {
      knownExpected: { narrative: ones },
    });
    expect(verdict.fired).toBe(true);
    expect(verdict.expected).toBe(verdict.windows);
  });
});
