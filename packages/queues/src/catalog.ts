import { z } from 'zod';

// Every queue, its payload schema, retry policy and default concurrency, in one place. Queue names
// never change once deployed; new payload fields stay optional until old jobs have drained.

/** One job = one batch of collected posts (≤ 500). Posts are validated one by one by the pipeline,
 * so that one malformed post goes to rejects instead of failing its whole batch. */
export const postsBatch = z.object({
  posts: z.array(z.unknown()).min(1).max(500),
  source: z.enum(['telegram', 'web', 'export', 'replay']),
  enqueuedAt: z.string().optional(),
});

export const webhookDelivery = z.object({
  target: z.string().min(1),
  messageId: z.string().min(1),
  kind: z.enum(['alert', 'digest']),
  body: z.record(z.string(), z.unknown()),
});

export const scheduledTick = z.object({ at: z.string().optional() }).passthrough();

export type QueueSpec = {
  name: string;
  payload: z.ZodType;
  attempts: number;
  backoff: { type: 'exponential'; delay: number; jitter?: number };
  concurrency: number;
  /** Completed jobs kept (their data included) for inspection; the rest are removed. */
  keepCompleted: number;
};

export const QUEUES = {
  posts: {
    name: 'posts',
    payload: postsBatch,
    attempts: 8,
    backoff: { type: 'exponential', delay: 1_000 },
    concurrency: 2,
    // A completed batch holds up to 500 posts (~300 KB): a thousand of them would sit in Redis.
    keepCompleted: 100,
  },
  webhooks: {
    name: 'webhooks',
    payload: webhookDelivery,
    // Only jobs from before the outbox: the worker moves each into its target's outbox.
    attempts: 8,
    backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
    concurrency: 4,
    keepCompleted: 1000,
  },
  // Ticks of the webhook outbox drain: the messages themselves wait in the outbox, not here.
  outbox: {
    name: 'outbox',
    payload: scheduledTick,
    attempts: 1,
    backoff: { type: 'exponential', delay: 1_000 },
    concurrency: 1,
    keepCompleted: 100,
  },
  spikes: {
    name: 'spikes',
    payload: scheduledTick,
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
    concurrency: 1,
    keepCompleted: 1000,
  },
  digests: {
    name: 'digests',
    payload: scheduledTick,
    attempts: 3,
    backoff: { type: 'exponential', delay: 30_000 },
    concurrency: 1,
    keepCompleted: 1000,
  },
  retention: {
    name: 'retention',
    payload: scheduledTick,
    attempts: 3,
    backoff: { type: 'exponential', delay: 60_000 },
    concurrency: 1,
    keepCompleted: 100,
  },
} as const satisfies Record<string, QueueSpec>;

export type QueueName = keyof typeof QUEUES;
export type Payload<N extends QueueName> = z.infer<(typeof QUEUES)[N]['payload']>;
