import type { ClassifierStats } from '@cw/enrichment';
import type { Queue } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type PipelineMetrics = ReturnType<typeof createPipelineMetrics>;

/**
 * `classifier`: the narrative classifier's live counts, when it runs (read at each scrape). `defaults`:
 * the process's own figures too (`nodejs_gc_duration_seconds`, heap spaces, event-loop lag): with the
 * heap flags of an earlier Node, Node 24 spent 7 of the worker's 25 busy seconds collecting garbage,
 * and nothing but CPU showed it.
 */
export function createPipelineMetrics(
  queue: Queue,
  classifier?: { stats: Readonly<ClassifierStats> },
  options: { defaults?: boolean } = {},
) {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry });
  // Counts the classifier keeps itself (memo hits and the first stage's skips are decided inside it).
  const fromStats = (name: string, help: string, read: (s: Readonly<ClassifierStats>) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        if (classifier) this.inc(read(classifier.stats));
      },
    });
  return {
    registry,
    batches: new Counter({
      name: 'cw_pipeline_batches_total',
      help: 'Batches processed, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    posts: new Counter({
      name: 'cw_pipeline_posts_total',
      help: 'Posts handled, by result (indexed, stale, deleted, rejected)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    classifierFailures: new Counter({
      name: 'cw_pipeline_classifier_failures_total',
      help: 'Batches the narrative classifier failed on (tagged by the rules alone)',
      registers: [registry],
    }),
    classifierCandidates: fromStats(
      'cw_pipeline_classifier_candidates_total',
      'Posts the narrative gate let through to the classifier',
      (s) => s.candidates,
    ),
    encoderTexts: fromStats(
      'cw_pipeline_encoder_texts_total',
      'Candidates sent to the encoder (not kept back by the first stage, nor repeated texts)',
      (s) => s.encoded,
    ),
    encoderThreads: new Gauge({
      name: 'cw_pipeline_encoder_threads',
      help: 'Encoder threads running (one at start, more when candidates wait, up to CW_ENCODER_THREADS)',
      registers: [registry],
      collect() {
        this.set(classifier ? classifier.stats.encoderThreads : 0);
      },
    }),
    bulkSeconds: new Histogram({
      name: 'cw_pipeline_bulk_seconds',
      help: 'Time to write one batch to Elasticsearch',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'cw_queue_depth',
      help: 'Jobs in the posts queue, by state',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'failed', 'prioritized');
        for (const [state, value] of Object.entries(counts)) this.set({ state }, value);
      },
    }),
  };
}
