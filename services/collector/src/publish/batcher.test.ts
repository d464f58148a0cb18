import { describe, expect, it, vi } from 'vitest';
import { samplePost } from '../test/helpers.ts';
import { Batcher } from './batcher.ts';
import type { QueueItem } from './publisher.ts';

describe('live micro-batcher', () => {
  it('flushes at 500 posts, after the wait, and on stop', async () => {
    vi.useFakeTimers();
    try {
      const flushed: QueueItem[][] = [];
      const batcher = new Batcher(async (posts) => void flushed.push(posts), { maxWaitMs: 1000 });
      for (let i = 1; i <= 501; i++) batcher.add(samplePost(i));
      await batcher.flush().then(() => undefined);
      expect(flushed.map((b) => b.length)).toEqual([500, 1]);
      batcher.add(samplePost(600));
      await vi.advanceTimersByTimeAsync(999);
      expect(flushed).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(flushed.map((b) => b.length)).toEqual([500, 1, 1]);
      batcher.add(samplePost(700));
      await batcher.stop();
      expect(flushed.at(-1)?.map((p) => p.messageId)).toEqual([700]);
      expect(() => batcher.add(samplePost(701))).toThrow(/stopped/);
    } finally {
      vi.useRealTimers();
    }
  });
});
