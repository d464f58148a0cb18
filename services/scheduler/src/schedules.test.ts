import { createLogger } from '@cw/logging';
import { createRedis } from '@cw/redis';
import { describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { startSchedules } from './schedules.ts';

const ctx = isolatedServers();
const log = createLogger({ service: 'test', level: 'silent' });

describe('job schedulers', () => {
  it('two scheduler instances with their own Redis connections fire each scheduled job once', async () => {
    const runs: { instance: number; kind: string; at: number }[] = [];
    const connections = [1, 2, 3, 4].map((i) => createRedis(ctx.redisUrl, i % 2 ? 'client' : 'worker'));
    const start = (instance: number) =>
      startSchedules({
        connection: connections[(instance - 1) * 2]!,
        workerConnection: connections[(instance - 1) * 2 + 1]!,
        prefix: ctx.prefix,
        log,
        spikeEveryMs: 1000,
        // Every second, in a time zone: the cron path the daily digest uses.
        digestCron: '* * * * * *',
        digestTz: 'Asia/Almaty',
        outboxEveryMs: 1000,
        handlers: {
          spikes: async (at) => {
            runs.push({ instance, kind: 'spikes', at: at.getTime() });
          },
          digest: async (at) => {
            runs.push({ instance, kind: 'digest', at: at.getTime() });
          },
          outbox: async (at) => {
            runs.push({ instance, kind: 'outbox', at: at.getTime() });
          },
        },
      });
    const [a, b] = await Promise.all([start(1), start(2)]);
    try {
      await new Promise((r) => setTimeout(r, 5500));
    } finally {
      await Promise.all([a.close(), b.close()]);
      for (const c of connections) c.disconnect();
    }
    for (const kind of ['spikes', 'digest', 'outbox']) {
      const times = runs.filter((r) => r.kind === kind).map((r) => r.at);
      // About one tick a second for 5.5 s, and never the same tick twice.
      expect(times.length, kind).toBeGreaterThanOrEqual(4);
      expect(times.length, kind).toBeLessThanOrEqual(7);
      expect(new Set(times).size, kind).toBe(times.length);
      const sorted = [...times].sort((x, y) => x - y);
      for (let i = 1; i < sorted.length; i += 1)
        expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(900);
    }
  });
});
