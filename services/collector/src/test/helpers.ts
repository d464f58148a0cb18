// Test helpers shared by the collector's tests (not imported by production code).
import type { CollectedPostInput } from '@cw/domain';
import { createLogger } from '@cw/logging';
import { createQueue } from '@cw/queues';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { Clock } from '../clock.ts';
import type { Publisher } from '../publish/publisher.ts';
import { floodWaitSeconds, type TelegramAccount } from '../sources/telegram/adapter.ts';
import { AccountGate } from '../sources/telegram/flood-gate.ts';
import type { HistoryDeps } from '../sources/telegram/history.ts';
import { RecentPosts } from '../sources/telegram/recent-posts.ts';

export const silentLog = createLogger({ service: 'collector-test', level: 'silent' });

/** A posts queue under `prefix` for the enclosing tests, removed and closed after them. */
export function testPostsQueue(connection: Redis, prefix: string): Queue {
  const queue = createQueue('posts', { connection, prefix });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });
  return queue;
}

/** Every post of every job on the queue (waiting, delayed, …); job order is not kept. */
export async function queuedPosts(queue: Queue): Promise<CollectedPostInput[]> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed']);
  return jobs.flatMap((job) => (job.data as { posts: CollectedPostInput[] }).posts);
}

export function samplePost(
  messageId: number,
  overrides: Partial<CollectedPostInput> = {},
): CollectedPostInput {
  return {
    channel: { id: '-1001591537674', username: 'tchantest', title: 'Test channel' },
    messageId,
    postedAt: new Date(Date.UTC(2024, 0, 1, 0, messageId)).toISOString(),
    collectedAt: new Date(Date.UTC(2024, 1, 1)).toISOString(),
    text: `post number ${messageId}`,
    media: [],
    metrics: {},
    source: 'replay',
    ...overrides,
  };
}

/** The 'client' connection refuses commands until connected (no offline queue): wait for it. */
export async function ready(redis: { status: string; once: (event: 'ready', fn: () => void) => unknown }) {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => redis.once('ready', resolve));
}

/** An account gate that obeys FloodWaits but paces calls only when a test asks (`intervalMs`). */
export function testGate(clock: Clock, intervalMs = 0): AccountGate {
  return new AccountGate({ clock, log: silentLog, intervalMs, resolvesPerMinute: 20, floodWaitSeconds });
}

/**
 * What the history walk and catch-up need around one account: a fresh memory of recent posts (a
 * new process), a silent log, a backfill from the epoch. Tests spread over it what they are about.
 */
export function telegramDeps(parts: {
  account: TelegramAccount;
  gate: AccountGate;
  registry: ChannelRegistry;
  publisher: Publisher;
  clock: Clock;
}): HistoryDeps {
  return { ...parts, recent: new RecentPosts(), log: silentLog, since: new Date(0) };
}
