// Test data shared by the scheduler's integration tests: two small narrative definitions, a
// loader that indexes posts through the pipeline's processBatch, exactly as production does, the
// default spike settings, and a webhook target with the tests' signing secret.
import type { CollectedPostInput } from '@cw/domain';
import { compileNarratives, type NarrativeDefinition } from '@cw/enrichment';
import type { Client } from '@cw/es';
import { indexNames, installIndices } from '@cw/es';
import { createLogger } from '@cw/logging';
import { processBatch } from '@cw/pipeline';
import { makePost } from '../../../tests/support/posts.ts';
import type { WebhookTarget } from './config.ts';
import type { SpikeSettings } from './spikes/evaluate.ts';
import type { DeliveryDeps } from './webhooks/deliveries.ts';
import type { OutboxStore } from './webhooks/outbox.ts';

/** The signing secret of every test receiver and target. */
export const TEST_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** The scheduler's defaults (CW_SPIKE_*), with whatever a test changes. */
export const spikeSettings = (overrides: Partial<SpikeSettings> = {}): SpikeSettings => ({
  windowMinutes: 60,
  cooldownMinutes: 360,
  minCount: 5,
  minRatio: 2,
  minScore: 4,
  minShareRatio: 1.5,
  ...overrides,
});

/** A JSON target signed with TEST_SECRET that takes every kind of message unless told otherwise. */
export const testTarget = (url: string, overrides: Partial<WebhookTarget> = {}): WebhookTarget => ({
  name: 'local',
  url,
  secret: TEST_SECRET,
  format: 'json',
  kinds: ['alert', 'digest'],
  ...overrides,
});

const definition = (id: string, term: string): NarrativeDefinition => ({
  id,
  title: id,
  description: `test narrative ${id}`,
  languages: ['en'],
  threshold: 1,
  window: 3,
  require: [],
  signals: { topic: { weight: 1, terms: { en: [term] } } },
  exclusions: {},
  examples: { positive: [`about ${term}`], negative: ['nothing here'] },
});

export const TEST_NARRATIVES = compileNarratives([
  definition('grain_hoax', 'grainhoax'),
  definition('water_cutoff', 'watercutoff'),
]);

export const CHANNELS = [
  { id: '-1001000000001', username: 'alpha_news', title: 'Alpha News' },
  { id: '-1001000000002', username: 'beta_daily', title: 'Beta Daily' },
  { id: '-1001000000003', username: 'gamma_feed', title: 'Gamma Feed' },
] as const;

let nextMessageId = 1;

/** A post at `postedAt` in a channel; `topic` chooses the narrative (or none). */
export function post(
  postedAt: Date,
  options: {
    topic?: 'grain_hoax' | 'water_cutoff';
    channel?: number;
    views?: number;
    forwards?: number;
    text?: string;
    forwardFrom?: string;
  } = {},
): CollectedPostInput {
  const messageId = nextMessageId++;
  const word =
    options.topic === 'grain_hoax'
      ? 'grainhoax'
      : options.topic === 'water_cutoff'
        ? 'watercutoff'
        : 'weather';
  const channel = CHANNELS[options.channel ?? 0] ?? CHANNELS[0];
  return makePost(messageId, {
    channel: { ...channel },
    postedAt: postedAt.toISOString(),
    collectedAt: postedAt.toISOString(),
    text:
      options.text ??
      `Report ${messageId} on the ${word} story, with details for readers number ${messageId}`,
    metrics: {
      views: options.views ?? 100 + (messageId % 50),
      ...(options.forwards !== undefined ? { forwards: options.forwards } : {}),
    },
    ...(options.forwardFrom
      ? {
          forward: {
            fromUsername: options.forwardFrom,
            fromChannelId: `-100${options.forwardFrom.length}77`,
          },
        }
      : {}),
  });
}

export async function loadPosts(es: Client, prefix: string, posts: CollectedPostInput[]): Promise<void> {
  await installIndices(es, prefix);
  for (let i = 0; i < posts.length; i += 500) {
    const result = await processBatch(posts.slice(i, i + 500), {
      es,
      prefix,
      enrich: { narratives: TEST_NARRATIVES, languages: ['en', 'ru'] },
      source: 'replay',
    });
    if (result.rejects.length > 0) throw new Error(`fixture posts rejected: ${result.rejects[0]?.reason}`);
  }
  await es.indices.refresh({ index: `${indexNames(prefix).postsPattern},${indexNames(prefix).rejects}` });
}

/** Deliveries a test drives by calling the drain: loopback allowed, quick retries, no jitter. */
export const testDeliveries = (
  base: { es: Client; prefix: string; store: OutboxStore },
  targets: readonly WebhookTarget[],
  overrides: Partial<DeliveryDeps> = {},
): DeliveryDeps => ({
  ...base,
  targets,
  allowPrivate: true,
  timeoutMs: 2000,
  retry: { baseDelayMs: 100, maxDelayMs: 1000, retryForMs: 3_600_000, jitter: 0 },
  log: createLogger({ service: 'test', level: 'silent' }),
  random: () => 0,
  ...overrides,
});
