import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createQueue } from '@cw/queues';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../../tests/support/servers.ts';
import { testTempDir } from '../../../../../tests/support/temp-dir.ts';
import { ChannelRegistry } from '../../channels/registry.ts';
import { fakeClock } from '../../clock.ts';
import { queuedPosts, ready, samplePost, silentLog } from '../../test/helpers.ts';
import { replayFile } from './replay-file.ts';

const { redis, prefix } = isolatedServers();
beforeAll(() => ready(redis));

async function jsonl(posts: unknown[], extra = ''): Promise<string> {
  const dir = testTempDir('replay');
  const path = join(dir, 'posts.jsonl');
  await writeFile(path, posts.map((p) => JSON.stringify(p)).join('\n') + '\n' + extra);
  return path;
}

describe('replayFile', () => {
  const queues: ReturnType<typeof createQueue>[] = [];
  afterAll(async () => {
    for (const q of queues) await q.obliterate({ force: true }).then(() => q.close());
  });

  it('restarted after a stop half-way, delivers every message exactly once and none missing', async () => {
    const queuePrefix = `${prefix}-restart`;
    const queue = createQueue('posts', { connection: redis, prefix: queuePrefix });
    queues.push(queue);
    const registry = new ChannelRegistry(redis, `${prefix}-restart`);
    const other = (id: number) =>
      samplePost(id, { channel: { id: '-1002000000001', username: 'other_chan' } });
    const posts = Array.from({ length: 100 }, (_, i) => (i % 4 === 3 ? other(i + 1) : samplePost(i + 1)));
    const path = await jsonl(posts);

    const stop = new AbortController();
    const first = await replayFile(path, {
      queue,
      registry,
      batchSize: 10,
      signal: stop.signal,
      log: silentLog,
      onProgress: (p) => {
        if (p.published >= 50) stop.abort();
      },
    });
    expect(first.published).toBe(50);
    const afterFirst = await queuedPosts(queue);
    expect(afterFirst).toHaveLength(50);

    const second = await replayFile(path, { queue, registry, batchSize: 10, log: silentLog });
    expect(second.skipped).toBe(50);
    const all = await queuedPosts(queue);
    const keys = all.map((p) => `${p.channel.id}_${p.messageId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(posts.map((p) => `${p.channel.id}_${p.messageId}`).sort());
    expect(all.every((p) => p.source === 'replay')).toBe(true);
    expect(await registry.cursor('-1001591537674')).toBe(99);
    expect(await registry.cursor('-1002000000001')).toBe(100);
  });

  it('keeps the gaps between posts divided by the speed, and counts invalid lines', async () => {
    const queue = createQueue('posts', { connection: redis, prefix: `${prefix}-speed` });
    queues.push(queue);
    // Posts one minute apart; at speed 60 each gap becomes one second.
    const path = await jsonl([samplePost(1), samplePost(2), samplePost(3)], '{"not":"a post"}\n');
    const clock = fakeClock();
    const result = await replayFile(path, { queue, speed: 60, clock, log: silentLog });
    expect(clock.slept).toEqual([1000, 1000]);
    expect(result).toMatchObject({ published: 3, invalid: 1, skipped: 0 });
    const jobs = await queue.getJobs(['waiting']);
    // A pause flushes what came before it: one job per post here.
    expect(
      jobs
        .map((j) =>
          (j.data as { posts: { messageId?: number }[] }).posts.map((p) => p.messageId ?? 'invalid'),
        )
        .sort(),
    ).toEqual([[1], [2], [3], ['invalid']]);
    // The invalid line is not dropped: it goes on to the pipeline, which files it as a reject.
    const raw = jobs
      .flatMap((j) => (j.data as { posts: unknown[] }).posts)
      .filter((p) => !(p as { messageId?: number }).messageId);
    expect(raw).toEqual([{ not: 'a post' }]);
  });
});
