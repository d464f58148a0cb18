export {
  retryPolicy,
  type SchedulerConfig,
  schedulerConfig,
  schedulerSchema,
  type WebhookTarget,
} from './config.ts';
export { runDailyJob } from './daily-job.ts';
export { buildDigest } from './digest/build-digest.ts';
export { digestDay, previousDay } from './digest/digest-day.ts';
export type { Digest, NarrativeDay } from './digest/digest-types.ts';
export { type RenderedDigest, renderDigest } from './digest/render-digest.ts';
export { runDigest, writeDigest } from './digest/run-digest.ts';
export { main, narrativeTitles, spikeSettings } from './main.ts';
export {
  applyRetention,
  BASELINE_DAYS,
  listMonthlyIndices,
  type MonthlyIndex,
  type RetentionPlan,
  retentionPlan,
} from './retention/retention.ts';
export { startSchedules } from './schedules.ts';
export type { SpikeAlert } from './spikes/alert.ts';
export { DEFAULT_SPIKE_PARAMS, detectSpike, expectedCount, type SpikeParams } from './spikes/detector.ts';
export { evaluateSpikes, type SpikeEvaluation, type SpikeSettings } from './spikes/evaluate.ts';
export { evaluateTrends, type TrendEvaluation } from './trends/evaluate-trends.ts';
export { DEFAULT_TREND_PARAMS, detectTrend, newTrend, type TrendParams } from './trends/trend-detector.ts';
export type { TrendReport } from './trends/trend-report.ts';
export {
  type DeliveryDeps,
  drainOutbox,
  type EnqueueResult,
  enqueueDeliveries,
  legacyWebhookHandler,
} from './webhooks/deliveries.ts';
export type { AlertEvent, DigestEvent, TrendEvent, WebhookEvent } from './webhooks/events.ts';
export {
  getEntry,
  listEntries,
  type OutboxEntry,
  type OutboxState,
  type OutboxStore,
  outboxTargets,
  retryEntry,
} from './webhooks/outbox.ts';
export { startWebhookReceiver, type WebhookReceiver } from './webhooks/receiver.ts';
export { signedHeaders } from './webhooks/send.ts';
