import { describe, expect, it } from 'vitest';
import { nextIntervalS, PollSchedule } from './poll-schedule.ts';

const bounds = { minS: 60, maxS: 1800 };

describe('adaptive polling', () => {
  it('polls busy channels sooner and quiet ones later, within the bounds', () => {
    expect(nextIntervalS(600, 3, bounds)).toBe(300);
    expect(nextIntervalS(600, 25, bounds)).toBe(60);
    expect(nextIntervalS(600, 0, bounds)).toBe(900);
    expect(nextIntervalS(1500, 0, bounds)).toBe(1800);
    expect(nextIntervalS(80, 1, bounds)).toBe(60);
  });

  it('hands out the channel due first and reschedules it by its activity', () => {
    const schedule = new PollSchedule(bounds);
    schedule.ensure('a', 0);
    schedule.ensure('b', 10);
    expect(schedule.next()).toEqual({ key: 'a', at: 0 });
    expect(schedule.done('a', 0, 100)).toBe(90);
    expect(schedule.next()).toEqual({ key: 'b', at: 10 });
    schedule.done('b', 0, 100, 1800);
    expect(schedule.next()).toEqual({ key: 'a', at: 90_100 });
    schedule.retain(new Set(['b']));
    expect(schedule.next()?.key).toBe('b');
  });
});
