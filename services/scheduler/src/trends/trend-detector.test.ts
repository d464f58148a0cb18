import { describe, expect, it } from 'vitest';
import { detectTrend, newTrend } from './trend-detector.ts';

/** `weeks` ordinary weeks of `perDay` posts a day, then the days given. */
const series = (perDay: number, weeks: number, last: number[]) => [
  ...new Array<number>(weeks * 7).fill(perDay),
  ...last,
];
const RISING_WEEK = [7, 8, 9, 10, 12, 14, 16]; // 76 posts against 42 a week; the day before, 66

describe('narrative.trend detector', () => {
  it('a week that climbed to nearly twice an ordinary one, day after day, is a trend', () => {
    const v = detectTrend({ daily: series(6, 3, RISING_WEEK) });
    expect(v).toMatchObject({ fired: true, observed: 76, previousWeek: 42, expected: 42, blockedBy: [] });
    expect(v.ratio).toBeCloseTo(76 / 42, 5);
    expect(v.score).toBeGreaterThan(3);
  });

  it('a flat narrative, a small rise, one busy day, too few posts and a general rise are not', () => {
    expect(detectTrend({ daily: series(6, 4, []) }).blockedBy).toEqual(['minRatio', 'minScore', 'oneDay']);
    expect(detectTrend({ daily: series(6, 3, [7, 8, 8, 9, 9, 10, 10]) }).blockedBy).toContain('minRatio');
    // One day of 50 makes the week twice the usual, but the other six are ordinary: a spike's, not a trend.
    expect(detectTrend({ daily: series(6, 3, [6, 6, 6, 6, 6, 6, 50]) }).blockedBy).toEqual(['oneDay']);
    expect(detectTrend({ daily: series(1, 3, [2, 2, 2, 3, 3, 3, 4]) }).blockedBy).toContain('minPosts');
    // Every other post doubled too (more channels watched): no trend of this narrative.
    const totals = series(
      100,
      3,
      RISING_WEEK.map((n) => n + 200),
    );
    expect(detectTrend({ daily: series(6, 3, RISING_WEEK), totalDaily: totals }).blockedBy).toEqual([
      'generalRise',
    ]);
    const quietOthers = series(
      100,
      3,
      RISING_WEEK.map((n) => n + 94),
    );
    expect(detectTrend({ daily: series(6, 3, RISING_WEEK), totalDaily: quietOthers }).fired).toBe(true);
  });

  it('without three weeks of history nothing is judged', () => {
    expect(detectTrend({ daily: RISING_WEEK }).blockedBy).toContain('history');
  });

  it('is reported on its first day, not again the days after, and again once the week grew by half', () => {
    const first = series(6, 3, RISING_WEEK);
    expect(newTrend({ daily: first })).toMatchObject({ fired: true });
    expect(newTrend({ daily: first }).reportedDaysAgo).toBeUndefined();
    const nextDay = [...first, 16];
    expect(newTrend({ daily: nextDay })).toMatchObject({
      fired: false,
      blockedBy: ['reported'],
      reportedDaysAgo: 1,
    });
    // Six days later the week holds 6 × 16 + 60 = 156 posts, over 1.5 × 76; the day before, 110.
    const steady = [...first, 16, 16, 16, 16, 16];
    expect(newTrend({ daily: steady })).toMatchObject({ fired: false, reportedDaysAgo: 5 });
    expect(newTrend({ daily: [...steady, 60] })).toMatchObject({
      fired: true,
      observed: 156,
      reportedDaysAgo: 6,
    });
  });
});
