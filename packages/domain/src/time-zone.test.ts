import { describe, expect, it } from 'vitest';
import { zoneOffsetMs } from './time-zone.ts';

const H = 3600_000;

describe('zoneOffsetMs', () => {
  it('follows a zone through its offset changes, to the millisecond of the change', () => {
    // Europe/Kyiv moves from +02 to +03 at 01:00 UTC on 29 March 2026.
    const change = Date.UTC(2026, 2, 29, 1);
    expect(zoneOffsetMs('Europe/Kyiv', change - 1)).toBe(2 * H);
    expect(zoneOffsetMs('Europe/Kyiv', change)).toBe(3 * H);
    // Kazakhstan's move from +06 to +05 in 2024 (newer than some tz data).
    expect(zoneOffsetMs('Asia/Almaty', Date.UTC(2024, 0, 15))).toBe(6 * H);
    expect(zoneOffsetMs('Asia/Almaty', Date.UTC(2024, 5, 15))).toBe(5 * H);
  });

  it('gives offsets west of UTC, half hours, and UTC itself', () => {
    expect(zoneOffsetMs('America/St_Johns', Date.UTC(2026, 0, 15))).toBe(-3.5 * H);
    expect(zoneOffsetMs('UTC', Date.UTC(2026, 0, 15, 12, 34, 56, 789))).toBe(0);
  });

  it('keeps the seconds of a local mean time (Almaty before 1924: +05:07:48)', () => {
    expect(zoneOffsetMs('Asia/Almaty', Date.UTC(1900, 0, 1))).toBe(5 * H + 7 * 60_000 + 48_000);
  });
});
