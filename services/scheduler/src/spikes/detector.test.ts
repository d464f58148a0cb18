import { describe, expect, it } from 'vitest';
import { decideAlert } from './alert-state.ts';
import { DEFAULT_SPIKE_PARAMS, detectSpike, expectedCount, SCAN_SPIKE_PARAMS } from './detector.ts';
import { upperTail } from './stats.ts';

/** Four weeks of hourly counts: busy days, quiet nights, quiet weekends. */
function seasonal(level: number, days = 35): number[] {
  return Array.from({ length: days * 24 }, (_, h) => {
    const hour = h % 24;
    const weekend = Math.floor(h / 24) % 7 >= 5;
    return Math.round(level * (hour >= 8 && hour < 20 ? 1.5 : 0.5) * (weekend ? 0.6 : 1));
  });
}

describe('spike detector', () => {
  // History ending at noon, so that the next window is 12:00–13:00 of the day after.
  const noon = (level: number, days: number) => seasonal(level, days).slice(0, days * 24 - 12);

  it('knows the time of day and the day of week', () => {
    // Day 35 is a weekday: midday is 10 × 1.5; day 33 is a weekend day: 10 × 1.5 × 0.6.
    expect(expectedCount(noon(10, 36), DEFAULT_SPIKE_PARAMS)).toBeCloseTo(15, 0);
    expect(expectedCount(noon(10, 34), DEFAULT_SPIKE_PARAMS)).toBeCloseTo(9, 0);
    // Night on a weekday: 10 × 0.5.
    expect(expectedCount(seasonal(10, 36).slice(0, 36 * 24 - 22), DEFAULT_SPIKE_PARAMS)).toBeCloseTo(5, 0);
  });

  it('fires on a 3× spike and not on ordinary noise', () => {
    const history = noon(10, 36);
    expect(detectSpike({ observed: 45, history }).fired).toBe(true);
    expect(detectSpike({ observed: 22, history }).fired).toBe(false);
  });

  it('holds back a rise that is only part of a general rise in posting (share view)', () => {
    const history = noon(10, 36);
    const totals = noon(100, 36);
    const general = detectSpike({ observed: 45, history, totalObserved: 450, totalHistory: totals });
    expect(general.fired).toBe(false);
    expect(general.blockedBy).toEqual(['minShareRatio', 'generalRise']);
    expect(detectSpike({ observed: 45, history, totalObserved: 180, totalHistory: totals }).fired).toBe(true);
  });

  it('fires when a narrative is most of a quiet hour: the total rose because of it, not generally', () => {
    // A night hour that is usually empty: the floors make the expected share 100 %.
    const history = new Array(35 * 24).fill(0);
    const totals = new Array(35 * 24).fill(0);
    const verdict = detectSpike({ observed: 38, history, totalObserved: 41, totalHistory: totals });
    expect(verdict.blockedBy).toEqual([]);
    expect(verdict.fired).toBe(true);
  });

  it('keeps the minimum count guard for quiet narratives', () => {
    const history = new Array(35 * 24).fill(0);
    const verdict = detectSpike({ observed: 4, history });
    expect(verdict.fired).toBe(false);
    expect(verdict.blockedBy).toContain('minCount');
  });

  it('the window scan (kept for comparison) judges a low-rate narrative over longer windows', () => {
    // Four weeks at exactly one post an hour, then twelve hours at three an hour.
    const flat = new Array(29 * 24).fill(1);
    const oneHour = detectSpike({ observed: 3, history: flat }, SCAN_SPIKE_PARAMS);
    expect(oneHour.fired).toBe(false);
    const risen = [...flat, ...new Array(11).fill(3)];
    const verdict = detectSpike({ observed: 3, history: risen }, SCAN_SPIKE_PARAMS);
    expect(verdict.fired).toBe(true);
    expect(verdict.windows).toBeGreaterThan(1);
    expect(verdict.observed).toBe(3 * verdict.windows);
    expect(verdict.expected).toBeCloseTo(verdict.windows, 0);
    // Longer windows only where they divide a day, and not at all when switched off.
    expect(detectSpike({ observed: 3, history: risen }, { ...SCAN_SPIKE_PARAMS, scales: [1] }).fired).toBe(
      false,
    );
  });

  it('does not echo one burst over the longer windows after it', () => {
    const flat = new Array(29 * 24).fill(1);
    // A burst of 30 posts two hours ago: the hour itself fired then; the 3- to 24-hour windows
    // holding it must not fire now that posting is back to normal.
    for (const params of [DEFAULT_SPIKE_PARAMS, SCAN_SPIKE_PARAMS]) {
      const after = detectSpike({ observed: 1, history: [...flat, 30, 1] }, params);
      expect(after.fired).toBe(false);
      expect(after.windows).toBe(1);
    }
  });

  it('holds back a low-rate narrative that rises only as much as all posting does', () => {
    const history = new Array(29 * 24).fill(2);
    const totals = new Array(29 * 24).fill(60);
    // All posting ×3: the narrative's 9 against its usual 2 is a general rise, not a spike.
    const general = detectSpike({ observed: 9, history, totalObserved: 180, totalHistory: totals });
    expect(general.fired).toBe(false);
    expect(general.blockedBy).toContain('generalRise');
    expect(detectSpike({ observed: 12, history, totalObserved: 70, totalHistory: totals }).fired).toBe(true);
  });

  it('computes Poisson and negative-binomial tails', () => {
    expect(upperTail(0, 3, 0)).toBe(1);
    // P(X ≥ 10 | λ = 3) for a Poisson is 0.001102.
    expect(upperTail(10, 3, 0)).toBeCloseTo(0.001102, 5);
    // Extra dispersion makes the same count less surprising.
    expect(upperTail(10, 3, 0.2)).toBeGreaterThan(upperTail(10, 3, 0));
  });
});

describe('alert state', () => {
  const options = { cooldownMs: 6 * 3_600_000, windowMs: 3_600_000 };
  const state = (lastFiredAt: string, status: 'open' | 'resolved' = 'open') => ({
    id: 'a',
    status,
    lastFiredAt,
    notifiedObserved: 20,
    revision: 1,
  });
  const at = Date.parse('2026-11-10T12:00:00Z');

  it('opens one alert and updates it while the spike lasts, notifying only when it grew', () => {
    expect(decideAlert(undefined, true, 20, at, options)).toEqual({ action: 'open' });
    expect(decideAlert(state('2026-11-10T11:55:00Z'), true, 22, at, options)).toEqual({
      action: 'update',
      notify: false,
    });
    expect(decideAlert(state('2026-11-10T11:55:00Z'), true, 30, at, options)).toEqual({
      action: 'update',
      notify: true,
    });
  });

  it('resolves after a quiet window and opens a new alert only after the cool-down', () => {
    expect(decideAlert(state('2026-11-10T10:30:00Z'), false, 3, at, options)).toEqual({ action: 'resolve' });
    expect(decideAlert(state('2026-11-10T08:00:00Z', 'resolved'), true, 25, at, options).action).toBe(
      'update',
    );
    expect(decideAlert(state('2026-11-10T05:00:00Z', 'resolved'), true, 25, at, options).action).toBe('open');
  });
});
