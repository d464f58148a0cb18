import { createHash } from 'node:crypto';
import type { CollectedPostInput, PostPatchInput } from '@cw/domain';
import type { Logger } from '@cw/logging';
import { enqueue } from '@cw/queues';
import type { Queue } from 'bullmq';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { Clock } from '../clock.ts';
import { retryUntilDone, withTimeout } from './retry.ts';

export const MAX_BATCH = 500;

export type Source = CollectedPostInput['source'];

/** What a batch carries: whole posts, and patches (deletions by id, metrics refreshes). */
export type QueueItem = CollectedPostInput | PostPatchInput;

export type PublishOptions = {
  /** Move each channel's cursor to the highest message id of the batch once it is on the queue. */
  moveCursor: boolean;
  /** Mixed into the job ids: a re-import is then processed again (and reports "unchanged") instead
   * of being dropped by BullMQ as the batch it already knows. */
  runId?: string;
};

export type Publisher = {
  /** Resolves to the ids of the jobs enqueued, in order. */
  publish(source: Source, posts: QueueItem[], options: PublishOptions): Promise<string[]>;
};

/**
 * Puts posts on the `posts` queue in batches of ≤ 500 and only then moves the cursors. The job id
 * is a hash of the batch's content, so a batch enqueued again after a crash between the enqueue and
 * the cursor move is dropped by BullMQ while the first one is still known to it.
 */
export function createPublisher(deps: {
  queue: Queue;
  /** Without a registry no cursor is kept (a replay that publishes everything each time). */
  registry?: ChannelRegistry;
  log: Logger;
  clock: Clock;
  signal?: AbortSignal;
  batchSize?: number;
  enqueueTimeoutMs?: number;
}): Publisher {
  const size = Math.min(deps.batchSize ?? MAX_BATCH, MAX_BATCH);
  return {
    async publish(source, posts, options) {
      const ids: string[] = [];
      for (let i = 0; i < posts.length; i += size) {
        const batch = posts.slice(i, i + size);
        const jobId = batchId(source, batch, options.runId);
        ids.push(jobId);
        await retryUntilDone(
          () =>
            withTimeout(
              enqueue(
                deps.queue,
                'posts',
                { posts: batch, source, enqueuedAt: new Date().toISOString() },
                { jobId },
              ),
              deps.enqueueTimeoutMs ?? 10_000,
              'enqueue',
            ),
          { clock: deps.clock, log: deps.log, what: 'enqueue of a posts batch', signal: deps.signal },
        );
        if (options.moveCursor && deps.registry) {
          const registry = deps.registry;
          for (const [channelId, last] of lastPerChannel(batch)) {
            await retryUntilDone(() => registry.advance(channelId, last.messageId, last.postedAt), {
              clock: deps.clock,
              log: deps.log,
              what: 'cursor move',
              signal: deps.signal,
            });
          }
        }
        deps.log.debug({ source, posts: batch.length, jobId }, 'batch enqueued');
      }
      return ids;
    },
  };
}

function batchId(source: Source, posts: QueueItem[], runId = ''): string {
  const hash = createHash('sha256');
  hash.update(source);
  hash.update(runId);
  for (const { collectedAt: _, ...rest } of posts) hash.update(JSON.stringify(rest));
  return `b-${hash.digest('hex').slice(0, 32)}`;
}

function lastPerChannel(items: QueueItem[]): Map<string, { messageId: number; postedAt: string }> {
  const last = new Map<string, { messageId: number; postedAt: string }>();
  // Patches name posts seen before; only whole posts move a cursor.
  for (const post of items) {
    if ('kind' in post || !post.postedAt) continue;
    const seen = last.get(post.channel.id);
    if (!seen || post.messageId > seen.messageId) {
      last.set(post.channel.id, { messageId: post.messageId, postedAt: post.postedAt });
    }
  }
  return last;
}
