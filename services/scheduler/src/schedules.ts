// The scheduler owns time through BullMQ job schedulers: the schedule lives in Redis, keyed by a
// fixed id, so any number of replicas upserting it share one schedule and each tick is one job,
// processed by one worker. No setInterval, no OS cron.
import type { Logger } from '@cw/logging';
import { createQueue, createWorker } from '@cw/queues';
import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

export const SPIKE_SCHEDULER_ID = 'spike-evaluation';
export const DIGEST_SCHEDULER_ID = 'daily-digest';
export const OUTBOX_SCHEDULER_ID = 'webhook-outbox';
export const RETENTION_SCHEDULER_ID = 'daily-retention';

export type ScheduleHandlers = {
  /** `at`: when the tick was due (not when a worker got to it), so a late job evaluates its own time. */
  spikes: (at: Date, log: Logger) => Promise<unknown>;
  digest: (at: Date, log: Logger) => Promise<unknown>;
  /** Send the webhook messages that are due (first attempts and retries). */
  outbox: (at: Date, log: Logger) => Promise<unknown>;
  /** Drops monthly indices past retention; scheduled only when given. */
  retention?: (at: Date, log: Logger) => Promise<unknown>;
};

export type ScheduleOptions = {
  /** Producer connection (fails fast) and worker connection (maxRetriesPerRequest: null). */
  connection: Redis;
  workerConnection: Redis;
  prefix: string;
  log: Logger;
  spikeEveryMs: number;
  digestCron: string;
  digestTz: string;
  outboxEveryMs: number;
  /** When retention runs (cron, in digestTz); default 03:30 local, away from the digest. */
  retentionCron?: string;
  handlers: ScheduleHandlers;
};

/** When a scheduled job was due: the scheduler adds it `delay` ms after its creation time. */
export function dueAt(job: Job): Date {
  return new Date(job.timestamp + (job.opts.delay ?? 0));
}

export async function startSchedules(options: ScheduleOptions) {
  const ctx = { connection: options.connection, prefix: options.prefix };
  const spikes: Queue = createQueue('spikes', ctx);
  const digests: Queue = createQueue('digests', ctx);
  const outbox: Queue = createQueue('outbox', ctx);
  await spikes.upsertJobScheduler(
    SPIKE_SCHEDULER_ID,
    { every: options.spikeEveryMs },
    { name: 'spikes', data: {} },
  );
  await digests.upsertJobScheduler(
    DIGEST_SCHEDULER_ID,
    { pattern: options.digestCron, tz: options.digestTz },
    { name: 'digests', data: {} },
  );
  await outbox.upsertJobScheduler(
    OUTBOX_SCHEDULER_ID,
    { every: options.outboxEveryMs },
    { name: 'outbox', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
  );
  const retention: Queue | undefined = options.handlers.retention ? createQueue('retention', ctx) : undefined;
  await retention?.upsertJobScheduler(
    RETENTION_SCHEDULER_ID,
    { pattern: options.retentionCron ?? '30 3 * * *', tz: options.digestTz },
    { name: 'retention', data: {} },
  );
  const workerOptions = { connection: options.workerConnection, prefix: options.prefix, log: options.log };
  const workers: Worker[] = [
    createWorker(
      'spikes',
      (_payload, { job, log }) => options.handlers.spikes(dueAt(job), log),
      workerOptions,
    ),
    createWorker(
      'digests',
      (_payload, { job, log }) => options.handlers.digest(dueAt(job), log),
      workerOptions,
    ),
    createWorker(
      'outbox',
      (_payload, { job, log }) => options.handlers.outbox(dueAt(job), log),
      workerOptions,
    ),
  ];
  const runRetention = options.handlers.retention;
  if (runRetention)
    workers.push(
      createWorker('retention', (_payload, { job, log }) => runRetention(dueAt(job), log), workerOptions),
    );
  return {
    queues: { spikes, digests, outbox, ...(retention ? { retention } : {}) },
    workers,
    /** Stop taking ticks; a running evaluation finishes first. The schedules stay in Redis. */
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([spikes.close(), digests.close(), outbox.close(), retention?.close()]);
    },
  };
}
