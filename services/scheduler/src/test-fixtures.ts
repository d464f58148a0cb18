// Test data shared by the scheduler's integration tests: two small narrative definitions and a
// loader that indexes posts through the pipeline's processBatch, exactly as production does.
import type { CollectedPostInput } from '@cw/domain';
import { compileNarratives, type NarrativeDefinition } from '@cw/enrichment';
import type { Client } from '@cw/es';
import { indexNames, installIndices } from '@cw/es';
import { processBatch } from '@cw/pipeline';
import { makePost } from '../../../tests/support/posts.ts';

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
    metrics: { views: options.views ?? 100 + (messageId % 50) },
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
