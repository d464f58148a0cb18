import { describe, expect, it } from 'vitest';
import { fakeClock } from '../../clock.ts';
import { silentLog } from '../../test/helpers.ts';
import { floodWaitSeconds, makeFloodWaitError } from './adapter.ts';
import { AccountGate, ResolvePausedError } from './flood-gate.ts';

function gate(clock: ReturnType<typeof fakeClock>, intervalMs = 100) {
  return new AccountGate({ clock, log: silentLog, intervalMs, resolvesPerMinute: 20, floodWaitSeconds });
}

describe('account gate', () => {
  it('after a FloodWait of N seconds, calls nothing of that account before N seconds have passed', async () => {
    const clock = fakeClock();
    const g = gate(clock);
    const calls: number[] = [];
    let fail = true;
    const source = async () => {
      calls.push(clock.now());
      if (fail) {
        fail = false;
        throw makeFloodWaitError(42);
      }
      return 'page';
    };
    expect(await g.call(source)).toBe('page');
    expect(calls).toHaveLength(2);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(42_000);
    // Another request of the same account, queued behind, waits as well.
    const other: number[] = [];
    let blocked = true;
    const first = g.call(async () => {
      if (blocked) {
        blocked = false;
        throw makeFloodWaitError(10);
      }
      return 1;
    });
    const second = g.call(async () => other.push(clock.now()));
    const started = clock.now();
    await Promise.all([first, second]);
    expect(other[0]! - started).toBeGreaterThanOrEqual(10_000);
  });

  it('gives up after repeated FloodWaits instead of retrying forever', async () => {
    const clock = fakeClock();
    const g = gate(clock);
    let calls = 0;
    await expect(
      g.call(async () => {
        calls += 1;
        throw makeFloodWaitError(5);
      }),
    ).rejects.toThrow(/wait of 5 seconds/);
    expect(calls).toBe(3);
  });

  it('paces requests and resolves (≤ N a minute) and lets other errors through untouched', async () => {
    const clock = fakeClock();
    const g = gate(clock, 1000);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) await g.call(async () => times.push(clock.now()), 'resolve');
    expect(times[1]! - times[0]!).toBe(3000);
    expect(times[2]! - times[1]!).toBe(3000);
    await expect(g.call(async () => Promise.reject(new Error('CHANNEL_PRIVATE')))).rejects.toThrow(
      'CHANNEL_PRIVATE',
    );
  });

  it('reads the seconds of FloodWait errors and nothing else', () => {
    expect(floodWaitSeconds(makeFloodWaitError(7))).toBe(7);
    expect(floodWaitSeconds(new Error('FLOOD_WAIT_30'))).toBe(30);
    expect(floodWaitSeconds(new Error('CHANNEL_INVALID'))).toBeUndefined();
  });

  it('a FloodWait on resolveUsername pauses resolves only: history goes on at its pace', async () => {
    const clock = fakeClock();
    const g = gate(clock, 1000);
    await expect(g.call(async () => Promise.reject(makeFloodWaitError(86_400)), 'resolve')).rejects.toThrow(
      ResolvePausedError,
    );
    const before = clock.now();
    const pages: number[] = [];
    for (let i = 0; i < 3; i++) await g.call(async () => pages.push(clock.now()), 'history');
    // Paced at the account interval, not held for the day-long FloodWait.
    expect(pages.at(-1)! - before).toBeLessThan(5_000);
    let asked = false;
    const paused = g.call(async () => {
      asked = true;
    }, 'resolve');
    await expect(paused).rejects.toThrow(/resolves paused by a FloodWait until/);
    expect(asked).toBe(false);
    expect(g.floodUntil('resolve')).toBeGreaterThanOrEqual(before + 86_400_000 - 5_000);
    expect(g.floodUntil('history')).toBe(0);
  });

  it('spends at most the daily resolve budget, then resolves again the next UTC day', async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 20, 23, 50));
    const g = new AccountGate({
      clock,
      log: silentLog,
      intervalMs: 0,
      resolvesPerMinute: 30,
      resolvesPerDay: 2,
      floodWaitSeconds,
    });
    await g.call(async () => 1, 'resolve');
    await g.call(async () => 2, 'resolve');
    expect(g.resolvesLeft).toBe(0);
    await expect(g.call(async () => 3, 'resolve')).rejects.toThrow(
      /resolve budget is spent; resolves resume at 2026-11-21T00:00:00/,
    );
    await clock.sleep(10 * 60_000);
    expect(await g.call(async () => 4, 'resolve')).toBe(4);
  });
});
