export { type SchedulerConfig, schedulerConfig, schedulerSchema, type WebhookTarget } from './config.ts';
export type { SpikeAlert } from './spikes/alert.ts';
export { DEFAULT_SPIKE_PARAMS, detectSpike, expectedCount, type SpikeParams } from './spikes/detector.ts';
export { deliveryHandler, enqueueDeliveries } from './webhooks/deliveries.ts';
export type { AlertEvent, DigestEvent, WebhookEvent } from './webhooks/events.ts';
export { startWebhookReceiver, type WebhookReceiver } from './webhooks/receiver.ts';
export { signedHeaders } from './webhooks/send.ts';
