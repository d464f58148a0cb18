import type { Logger } from '@cw/logging';
import { type Job, type JobsOptions, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type Payload, QUEUES, type QueueName } from './catalog.ts';

export type QueueContext = { connection: Redis; prefix: string };

export function createQueue<N extends QueueName>(name: N, ctx: QueueContext): Queue {
  const spec = QUEUES[name];
  return new Queue(spec.name, {
    connection: ctx.connection,
    prefix: ctx.prefix,
    defaultJobOptions: {
      attempts: spec.attempts,
      backoff: spec.backoff,
      // Keep a bounded history; failed jobs stay until `cw replay-failed` or a person removes them.
      removeOnComplete: { count: spec.keepCompleted, age: 24 * 3600 },
      removeOnFail: false,
    },
  });
}

/** Validate before enqueueing: a producer bug fails at the producer, not in a worker later. */
export async function enqueue<N extends QueueName>(
  queue: Queue,
  name: N,
  payload: Payload<N>,
  options: JobsOptions = {},
): Promise<Job> {
  const data = QUEUES[name].payload.parse(payload);
  return queue.add(name, data, options);
}

export type Handler<N extends QueueName, R> = (
  payload: Payload<N>,
  ctx: { job: Job; log: Logger },
) => Promise<R>;

/**
 * The one worker wrapper: validates the payload (a bad one is unrecoverable, not a retry loop),
 * gives each job a child logger, and is the one place failures are logged.
 */
export function createWorker<N extends QueueName, R>(
  name: N,
  handler: Handler<N, R>,
  options: {
    connection: Redis;
    prefix: string;
    log: Logger;
    concurrency?: number;
    /** How long a job stays locked to a worker that stopped answering (killed, frozen). */
    lockDurationMs?: number;
    stalledIntervalMs?: number;
  },
): Worker {
  const spec = QUEUES[name];
  const worker = new Worker(
    spec.name,
    async (job: Job) => {
      const parsed = spec.payload.safeParse(job.data);
      if (!parsed.success) {
        throw new UnrecoverableError(
          `invalid ${name} payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`,
        );
      }
      const log = options.log.child({ queue: spec.name, jobId: job.id, attempt: job.attemptsMade + 1 });
      return handler(parsed.data as Payload<N>, { job, log });
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? spec.concurrency,
      // A worker killed mid-job: its lock expires and another worker picks the job up.
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 15_000,
      maxStalledCount: 2,
    },
  );
  worker.on('failed', (job, err) => {
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError;
    options.log[final ? 'error' : 'warn'](
      { err, queue: spec.name, jobId: job?.id, attempt: job?.attemptsMade, final },
      final ? 'job failed for good; it stays in the failed set' : 'job failed; it will be retried',
    );
  });
  worker.on('error', (err) => options.log.error({ err, queue: spec.name }, 'worker error'));
  return worker;
}

/** Put every job of the failed set back on its queue (`cw replay-failed`). */
export async function replayFailed(queue: Queue, onProgress?: (done: number) => void): Promise<number> {
  let replayed = 0;
  for (;;) {
    const failed = await queue.getFailed(0, 99);
    if (failed.length === 0) return replayed;
    for (const job of failed) {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      replayed += 1;
      onProgress?.(replayed);
    }
  }
}
