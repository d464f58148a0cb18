import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createQueue } from '@cw/queues';
import { createRedis } from '@cw/redis';
import { describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { main } from './main.ts';
import { DIGEST_SCHEDULER_ID, SPIKE_SCHEDULER_ID } from './schedules.ts';

const ctx = isolatedServers();

describe('scheduler main', () => {
  it('registers the spike and digest schedules from config, in its time zone, and stops cleanly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cw-sched-'));
    const stop = await main(
      {
        CW_REDIS_URL: ctx.redisUrl,
        CW_ES_URL: ctx.esUrl,
        CW_INDEX_PREFIX: ctx.prefix,
        CW_QUEUE_PREFIX: ctx.prefix,
        CW_LOG_LEVEL: 'silent',
        CW_SPIKE_EVERY_MINUTES: '7',
        CW_DIGEST_CRON: '30 7 * * *',
        CW_DIGEST_DIR: dir,
      },
      { embedded: true },
    );
    const connection = createRedis(ctx.redisUrl, 'client');
    try {
      const spikes = createQueue('spikes', { connection, prefix: ctx.prefix });
      const digests = createQueue('digests', { connection, prefix: ctx.prefix });
      const [spike] = await spikes.getJobSchedulers();
      const [digest] = await digests.getJobSchedulers();
      expect(spike).toMatchObject({ key: SPIKE_SCHEDULER_ID, every: 7 * 60_000 });
      expect(digest).toMatchObject({ key: DIGEST_SCHEDULER_ID, pattern: '30 7 * * *', tz: 'Asia/Almaty' });
      // The next digest is due at 07:30 in Almaty, i.e. 02:30 UTC.
      expect(new Date(digest?.next ?? 0).toISOString()).toMatch(/T02:30:00\.000Z$/);
      await Promise.all([spikes.close(), digests.close()]);
    } finally {
      await stop();
      connection.disconnect();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
