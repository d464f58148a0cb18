import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type CollectedPostInput, collectedPost } from '@cw/domain';
import { createLogger, type Logger } from '@cw/logging';
import { enqueue } from '@cw/queues';
import type { Queue } from 'bullmq';
import type { ChannelRegistry } from '../../channels/registry.ts';
import { type Clock, realClock } from '../../clock.ts';
import { createPublisher, MAX_BATCH, type Publisher } from '../../publish/publisher.ts';

export type ReplayProgress = { lines: number; published: number; skipped: number; invalid: number };

export type ReplayOptions = {
  /** The `posts` queue (createQueue('posts', …)). */
  queue: Queue;
  /** 1 = real time (gaps between postedAt kept), 60 = a minute per second, 0 = as fast as possible. */
  speed?: number;
  /** With a registry, each channel's cursor is honoured and moved: a stopped replay resumes. */
  registry?: ChannelRegistry;
  batchSize?: number;
  /** Longest pause between two posts, whatever the gap in the file (ms). */
  maxGapMs?: number;
  onProgress?: (progress: ReplayProgress) => void;
  signal?: AbortSignal;
  log?: Logger;
  clock?: Clock;
  publisher?: Publisher;
};

/**
 * Replays a JSONL file of collected posts onto the queue, streaming line by line, in batches of
 * ≤ 500, at a chosen speed. Posts go out as source `replay` with a fresh collectedAt. Lines that are
 * not valid collected posts are counted and logged, not sent. Returns the final counts.
 */
export async function replayFile(path: string, options: ReplayOptions): Promise<ReplayProgress> {
  const clock = options.clock ?? realClock;
  const log = options.log ?? createLogger({ service: 'collector', level: 'silent' });
  const publisher =
    options.publisher ??
    createPublisher({ queue: options.queue, registry: options.registry, log, clock, signal: options.signal });
  const size = Math.min(options.batchSize ?? MAX_BATCH, MAX_BATCH);
  const speed = options.speed ?? 0;
  const progress: ReplayProgress = { lines: 0, published: 0, skipped: 0, invalid: 0 };
  const cursors = new Map<string, number>();
  let batch: CollectedPostInput[] = [];
  // Lines that are not valid posts still go to the pipeline, which files each in the rejects index
  // with its reason and raw text: nothing read is lost, and no cursor moves for them.
  let invalid: unknown[] = [];
  let previousAt: number | undefined;

  const flush = async () => {
    if (invalid.length > 0) {
      const posts = invalid;
      invalid = [];
      await enqueue(options.queue, 'posts', {
        posts,
        source: 'replay',
        enqueuedAt: new Date(clock.now()).toISOString(),
      });
    }
    if (batch.length === 0) return;
    const posts = batch;
    batch = [];
    await publisher.publish('replay', posts, { moveCursor: options.registry !== undefined });
    progress.published += posts.length;
    options.onProgress?.({ ...progress });
  };

  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  try {
    for await (const line of lines) {
      if (options.signal?.aborted) break;
      progress.lines += 1;
      if (line.trim() === '') continue;
      const post = parseLine(line);
      if (!post) {
        progress.invalid += 1;
        log.warn({ line: progress.lines }, 'replay: not a collected post; sent on to be filed as a reject');
        invalid.push(parseRaw(line));
        if (invalid.length >= size) await flush();
        continue;
      }
      let cursor = cursors.get(post.channel.id);
      if (cursor === undefined) {
        cursor = options.registry ? await options.registry.cursor(post.channel.id) : 0;
        cursors.set(post.channel.id, cursor);
      }
      if (post.messageId <= cursor) {
        progress.skipped += 1;
        continue;
      }
      const at = Date.parse(post.postedAt);
      if (speed > 0 && previousAt !== undefined && at > previousAt) {
        await flush();
        await clock.sleep(Math.min((at - previousAt) / speed, options.maxGapMs ?? 10_000), options.signal);
        if (options.signal?.aborted) break;
      }
      previousAt = at;
      batch.push({ ...post, source: 'replay', collectedAt: new Date(clock.now()).toISOString() });
      if (batch.length >= size) await flush();
    }
    if (!options.signal?.aborted) await flush();
  } finally {
    lines.close();
  }
  return progress;
}

function parseRaw(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}

function parseLine(line: string): CollectedPostInput | undefined {
  try {
    const parsed = collectedPost.safeParse(JSON.parse(line));
    return parsed.success ? (parsed.data as CollectedPostInput) : undefined;
  } catch {
    return undefined;
  }
}
