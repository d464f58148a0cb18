import { describe, expect, it } from 'vitest';
import { fakeClock } from '../../clock.ts';
import { silentLog } from '../../test/helpers.ts';
import { floodWaitSeconds, makeFloodWaitError } from './adapter.ts';
import { AccountGate } from './flood-gate.ts';

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
});
