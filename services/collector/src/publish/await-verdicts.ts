import { Job, type Queue, QueueEvents } from 'bullmq';

/** The pipeline's verdicts on the import's batches (the posts worker's return values). */
export type ImportVerdicts = {
  created: number;
  updated: number;
  unchanged: number;
  stale: number;
  rejected: number;
  /** Batches the pipeline did not finish in time (still queued: nothing is lost). */
  waiting: number;
  failed: number;
};

/** Waits for each job of the import and adds up what the posts worker returned. */
export async function awaitVerdicts(
  queue: Queue,
  connection: object,
  jobIds: string[],
  timeoutMs: number,
): Promise<ImportVerdicts> {
  const out: ImportVerdicts = {
    created: 0,
    updated: 0,
    unchanged: 0,
    stale: 0,
    rejected: 0,
    waiting: 0,
    failed: 0,
  };
  if (jobIds.length === 0) return out;
  const events = new QueueEvents(queue.name, {
    connection: { ...connection },
    prefix: queue.opts.prefix ?? 'bull',
  });
  const deadline = Date.now() + timeoutMs;
  try {
    await events.waitUntilReady();
    for (const id of jobIds) {
      const job = await Job.fromId(queue, id);
      if (!job) {
        out.waiting += 1;
        continue;
      }
      const left = deadline - Date.now();
      try {
        const value = (await job.waitUntilFinished(events, Math.max(left, 1))) as Partial<ImportVerdicts>;
        out.created += value.created ?? 0;
        out.updated += value.updated ?? 0;
        out.unchanged += value.unchanged ?? 0;
        out.stale += value.stale ?? 0;
        out.rejected += value.rejected ?? 0;
      } catch (err) {
        const timedOut = err instanceof Error && /timed out/i.test(err.message);
        if (timedOut) out.waiting += 1;
        else out.failed += 1;
      }
    }
  } finally {
    await events.close();
  }
  return out;
}
