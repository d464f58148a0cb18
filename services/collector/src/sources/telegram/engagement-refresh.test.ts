import { describe, expect, it } from 'vitest';
import { nextRefreshAt, parseRefreshSchedule } from './engagement-refresh.ts';

const H = 3_600_000;
const D = 24 * H;

describe('engagement refresh schedule', () => {
  it('reads "hourly for a day, then daily for a week" as 31 offsets after posting', () => {
    const offsets = parseRefreshSchedule('1h*24,1d*7');
    expect(offsets).toHaveLength(31);
    expect((offsets as number[]).slice(0, 2)).toEqual([H, 2 * H]);
    expect((offsets as number[]).slice(23, 25)).toEqual([24 * H, 24 * H + D]);
    expect((offsets as number[]).at(-1)).toBe(8 * D);
    expect(parseRefreshSchedule('off')).toEqual([]);
    expect(parseRefreshSchedule('30m*2,6h')).toEqual([30 * 60_000, 60 * 60_000, 7 * H]);
  });

  it('names the part it cannot read', () => {
    expect(parseRefreshSchedule('1h*24,daily')).toMatch(/"daily" is not/);
    expect(parseRefreshSchedule('0h*3')).toMatch(/positive/);
  });

  it('gives the first step after now, and nothing once the schedule is over', () => {
    const offsets = parseRefreshSchedule('1h*24,1d*7') as number[];
    const posted = Date.UTC(2026, 10, 20, 9);
    expect(nextRefreshAt(posted, posted, offsets)).toBe(posted + H);
    expect(nextRefreshAt(posted, posted + H, offsets)).toBe(posted + 2 * H);
    // Collected late (an old post from a backfill): the next step still in the future.
    expect(nextRefreshAt(posted, posted + 3 * D, offsets)).toBe(posted + 24 * H + 3 * D);
    expect(nextRefreshAt(posted, posted + 9 * D, offsets)).toBeUndefined();
  });
});
