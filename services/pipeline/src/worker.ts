import type { Client } from '@cw/es';
import type { Logger } from '@cw/logging';
import { createWorker } from '@cw/queues';
import type { Redis } from 'ioredis';
import type { PipelineMetrics } from './metrics.ts';
import type { EnrichContext } from './normalise/to-indexed-post.ts';
import { processBatch } from './process-batch.ts';

/** The `posts` worker: one job = one batch = one bulk pass. A thrown error fails the job, and
 * BullMQ retries it with backoff; writes are idempotent, so a retried batch never duplicates. */
export function startPostsWorker(deps: {
  connection: Redis;
  prefix: string;
  es: Client;
  indexPrefix: string;
  log: Logger;
  concurrency: number;
  enrichContext: () => EnrichContext;
  metrics?: PipelineMetrics;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}) {
  return createWorker(
    'posts',
    async (payload, { job, log }) => {
      const stop = deps.metrics?.bulkSeconds.startTimer();
      try {
        const result = await processBatch(payload.posts, {
          es: deps.es,
          prefix: deps.indexPrefix,
          enrich: deps.enrichContext(),
          source: payload.source,
          ...(job.id ? { jobId: job.id } : {}),
          onClassifierError: (err) => {
            deps.metrics?.classifierFailures.inc();
            log.error({ err }, 'narrative classifier failed; batch tagged by the rules alone');
          },
        });
        stop?.();
        const m = deps.metrics;
        m?.batches.inc({ outcome: 'ok' });
        m?.posts.inc({ result: 'indexed' }, result.indexed);
        m?.posts.inc({ result: 'stale' }, result.stale);
        m?.posts.inc({ result: 'deleted' }, result.deleted);
        m?.posts.inc({ result: 'rejected' }, result.rejects.length);
        log.debug({ ...result, rejects: result.rejects.length }, 'batch written');
        return {
          received: result.received,
          indexed: result.indexed,
          created: result.created,
          updated: result.updated,
          unchanged: result.unchanged,
          stale: result.stale,
          missing: result.missing,
          rejected: result.rejects.length,
        };
      } catch (err) {
        deps.metrics?.batches.inc({ outcome: 'error' });
        throw err;
      }
    },
    {
      connection: deps.connection,
      prefix: deps.prefix,
      log: deps.log,
      concurrency: deps.concurrency,
      ...(deps.lockDurationMs ? { lockDurationMs: deps.lockDurationMs } : {}),
      ...(deps.stalledIntervalMs ? { stalledIntervalMs: deps.stalledIntervalMs } : {}),
    },
  );
}
