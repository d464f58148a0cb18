import { createLogger } from '@cw/logging';
import { createRedis } from '@cw/redis';
import { describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { createQueue, createWorker, enqueue, replayFailed } from './queues.ts';

const ctx = isolatedServers();

async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('failed batches', () => {
  it('stay in the failed set after their last attempt and run again after replayFailed', async () => {
    const queue = createQueue('posts', {
      connection: createRedis(ctx.redisUrl, 'worker'),
      prefix: ctx.prefix,
    });
    let elasticsearchUp = false;
    const processed: number[] = [];
    const worker = createWorker(
      'posts',
      async (payload) => {
        if (!elasticsearchUp) throw new Error('connect ECONNREFUSED');
        processed.push(payload.posts.length);
      },
      {
        connection: createRedis(ctx.redisUrl, 'worker'),
        prefix: ctx.prefix,
        log: createLogger({ service: 't', level: 'silent' }),
      },
    );
    try {
      await enqueue(
        queue,
        'posts',
        { posts: [1, 2, 3], source: 'replay' },
        { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
      );
      await until(async () => (await queue.getFailedCount()) === 1, 'the job to fail for good');
      expect(processed).toEqual([]);
      elasticsearchUp = true;
      expect(await replayFailed(queue)).toBe(1);
      await until(async () => (await queue.getCompletedCount()) === 1, 'the replayed job to complete');
      expect(processed).toEqual([3]);
      expect(await queue.getFailedCount()).toBe(0);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
