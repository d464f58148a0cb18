import { seededRandom } from '@cw/sample-channels';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPIKE_PARAMS, detectSpike, expectedCount, type SpikeParams } from './detector.ts';
import { profileExpectedCounts } from './profile-baseline.ts';
import { robustMeanUnbiased } from './stats.ts';

/**
 * A channel's day as real ones look, not a sine: nearly silent from 1 to 6 in the morning, a
 * morning peak, a flat afternoon, an evening bump; Saturday at 0.8 and Sunday at 0.6. Mean 1 over
 * a week (so `level` is posts an hour). Hour 0 is a Monday midnight.
 */
const HOURLY = [
  0.3, 0.1, 0.05, 0.05, 0.05, 0.1, 0.4, 0.9, 1.4, 1.7, 1.6, 1.5, 1.4, 1.4, 1.4, 1.3, 1.3, 1.4, 1.6, 1.7, 1.6,
  1.3, 0.9, 0.6,
];
const WEEKDAY = [1.08, 1.08, 1.08, 1.08, 1.08, 0.8, 0.6];
const hourlyMean = HOURLY.reduce((a, b) => a + b, 0) / 24;
const weekdayMean = WEEKDAY.reduce((a, b) => a + b, 0) / 7;
const rateAt = (level: number, t: number) =>
  (level * (HOURLY[t % 24] ?? 1) * (WEEKDAY[Math.floor(t / 24) % 7] ?? 1)) / (hourlyMean * weekdayMean);

const LOOKBACK = 48;
const HISTORY = 29 * 24 + LOOKBACK;

/** Poisson counts at the rate × `factor(t)`, plus `extra(t)` posts (a flood's copies). */
function series(
  level: number,
  hours: number,
  seed: number,
  factor: (t: number) => number = () => 1,
  extra: (t: number) => number = () => 0,
): number[] {
  const rng = seededRandom(seed);
  return Array.from({ length: hours }, (_, t) => rng.poisson(rateAt(level, t) * factor(t)) + extra(t));
}

const profile = (
  history: readonly number[],
  from: number,
  levelDays = DEFAULT_SPIKE_PARAMS.cusum.levelDays,
) => profileExpectedCounts(history, from, { slotsPerDay: 24, weeks: 4, levelDays, floor: 0.1 });

const withWindows = (threshold: number): SpikeParams => ({
  ...DEFAULT_SPIKE_PARAMS,
  cusum: { ...DEFAULT_SPIKE_PARAMS.cusum, baseline: 'windows', threshold },
});

describe('profile baseline', () => {
  it('comes far closer to the true rate at 1 post an hour than the same-time samples do', () => {
    let profileErr = 0;
    let windowsErr = 0;
    let profileSum = 0;
    let truthSum = 0;
    let count = 0;
    for (let seed = 1; seed <= 8; seed += 1) {
      const counts = series(1, HISTORY + 7 * 24, seed);
      for (let now = HISTORY; now < counts.length; now += 23) {
        const history = counts.slice(now - HISTORY, now);
        const from = history.length + 1 - LOOKBACK;
        const expected = profile(history, from);
        expected.forEach((e, i) => {
          const truth = rateAt(1, now - HISTORY + from + i);
          const old = expectedCount(history, DEFAULT_SPIKE_PARAMS, {
            end: from + i,
            mean: robustMeanUnbiased,
            floor: 0.1,
            spread: 1,
          });
          profileErr += (e - truth) ** 2 / truth;
          windowsErr += (old - truth) ** 2 / truth;
          profileSum += e;
          truthSum += truth;
          count += 1;
        });
      }
    }
    // Squared error per window relative to the Poisson variance of its count: what a test adding
    // windows feels. Measured here: profile 0.049, same-time samples 0.090.
    expect(profileErr / count).toBeLessThan(0.065);
    expect(windowsErr / count).toBeGreaterThan(0.075);
    // And unbiased: summed over the windows within 3 %.
    expect(Math.abs(profileSum / truthSum - 1)).toBeLessThan(0.03);
  });

  it('keeps its level when the last week held a day-long 3× rise and a flood of 40 copies', () => {
    const quiet = series(1, HISTORY, 5);
    const now = HISTORY;
    const riseStart = now - 4 * 24;
    const disturbed = series(
      1,
      HISTORY,
      5,
      (t) => (t >= riseStart && t < riseStart + 24 ? 3 : 1),
      (t) => (t === now - 2 * 24 + 10 ? 40 : 0),
    );
    const from = now + 1 - LOOKBACK;
    const a = profile(quiet, from);
    const b = profile(disturbed, from);
    const total = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    // Counted as they are, the rise and the flood would lift the level by about a quarter.
    expect(total(b) / total(a)).toBeLessThan(1.08);
    expect(total(b) / total(a)).toBeGreaterThan(0.95);
    // A rise that ended 16 h ago, inside the lookback (where the profile was not fitted), does not
    // lift the current window's expected count either: its days are the trimmed ones.
    const recent = series(1, HISTORY, 5, (t) => (t >= now - 40 && t < now - 16 ? 3 : 1));
    const last = (xs: number[]) => xs.at(-1) ?? 0;
    expect(last(profile(recent, from)) / last(a)).toBeLessThan(1.06);
  });

  it('judges each window from the history before it alone: a replay up to that window gives the same count', () => {
    const counts = series(1, HISTORY, 9);
    const from = counts.length + 1 - LOOKBACK;
    const all = profile(counts, from);
    for (const i of [0, 10, 47]) {
      const t = from + i;
      expect(profile(counts.slice(0, t), from).at(-1)).toBe(all[i]);
    }
  });

  it('reads no level from the zeros before collection began', () => {
    // A month of history read back from Elasticsearch, of which only the last 10 days have posts.
    const counts = [...new Array<number>(HISTORY - 10 * 24).fill(0), ...series(1, 10 * 24, 11)];
    const from = counts.length + 1 - LOOKBACK;
    const start = HISTORY - 10 * 24;
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const truth = Array.from({ length: LOOKBACK }, (_, i) => rateAt(1, from + i - start));
    const known = profileExpectedCounts(counts, from, {
      slotsPerDay: 24,
      weeks: 4,
      levelDays: 14,
      floor: 0.1,
      dataStart: start,
    });
    expect(Math.abs(total(known) / total(truth) - 1)).toBeLessThan(0.15);
    // Counted as quiet days, the empty ones would pull the level down by a quarter or more.
    expect(total(profile(counts, from, 14)) / total(truth)).toBeLessThan(0.8);
  });

  it('gives a narrative too new for a profile its plain mean (no profile from a week of nothing)', () => {
    expect(profile([], 0)).toEqual([0.1]);
    const young = new Array<number>(30).fill(2);
    const expected = profile(young, 10);
    expect(expected).toHaveLength(21);
    for (const e of expected) expect(e).toBeCloseTo(2, 5);
  });

  it('fires on a 3× rise at 1 post an hour within a few hours more often than the same-time baseline at the same false-alert cost', () => {
    // Each baseline at the threshold that keeps it at ≤ 0.5 false alerts a week on the tuning
    // seeds (README), and a week behind each rise like the benchmark's: a day-long 3× rise four
    // days before, a flood of 20 copies two days before.
    const detectors = { profile: DEFAULT_SPIKE_PARAMS, windows: withWindows(5) };
    const delays = { profile: [] as number[], windows: [] as number[] };
    for (let seed = 1; seed <= 24; seed += 1) {
      const start = HISTORY + ((seed * 7) % 24);
      const counts = series(
        1,
        start + 12,
        100 + seed,
        (t) => (t >= start || (t >= start - 4 * 24 && t < start - 3 * 24) ? 3 : 1),
        (t) => (t === start - 2 * 24 + 5 ? 20 : 0),
      );
      for (const [name, params] of Object.entries(detectors) as [keyof typeof detectors, SpikeParams][]) {
        let fired = 13;
        for (let h = start; h < start + 12 && fired > 12; h += 1)
          if (detectSpike({ observed: counts[h] ?? 0, history: counts.slice(h - HISTORY, h) }, params).fired)
            fired = h - start + 1;
        delays[name].push(fired);
      }
    }
    const share = (xs: number[], hours: number) => xs.filter((x) => x <= hours).length / xs.length;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 99;
    // Measured: within 6 h 16/24 against 14/24, mean delay 5.1 h against 5.7 h (13: not within 12 h).
    expect(median(delays.profile)).toBeLessThanOrEqual(5);
    expect(share(delays.profile, 6)).toBeGreaterThan(share(delays.windows, 6));
    expect(mean(delays.profile)).toBeLessThan(mean(delays.windows));
    expect(share(delays.profile, 12)).toBeGreaterThanOrEqual(0.9);
  });
});
