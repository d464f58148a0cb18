// Classifiers on the real encoder and the heads in git, for a test file: made before its tests (one
// encoder shared by all of them), the encoder closed after. Read the record's fields inside tests.
import { type Encoder, encoderDir, loadEncoder } from '@cw/encoder';
import {
  createClassifier,
  DEFAULT_NARRATIVES_DIR,
  type NarrativeClassifier,
  type NarrativeDefinition,
} from '@cw/enrichment';
import { afterAll, beforeAll } from 'vitest';

export function realClassifiers<K extends string>(
  sets: Record<K, readonly NarrativeDefinition[]>,
): Record<K, NarrativeClassifier> {
  const made = {} as Record<K, NarrativeClassifier>;
  let encoder: Encoder | undefined;
  beforeAll(async () => {
    const shared = await loadEncoder(encoderDir(process.env['CW_CACHE_DIR']));
    encoder = shared;
    for (const key of Object.keys(sets) as K[])
      made[key] = await createClassifier({
        encoder: shared,
        definitions: sets[key],
        narrativesDir: DEFAULT_NARRATIVES_DIR,
      });
  });
  afterAll(async () => {
    await encoder?.close();
  });
  return made;
}

/**
 * A real long post (corpus/long/dev.jsonl) that the heads in git do not tag read whole but tag
 * through a pair of its paragraphs: a report on a Ukrainian army recruiting project whose last
 * paragraph points the reader to the vacancies and the conditions of service. Which post it is
 * follows the heads (the two tests that use it named their own copy, and both changed with each
 * retrain; `heads-637d70e0` tag the one before, a Moscow feature on recruits, read whole).
 */
export const PAIR_TAGGED_POST = {
  url: 'https://from-ua.org/news/648775-armii-nuzny-lyudi-raznyx-professii-v-ukraine-startoval-novyi-rekrutingovyi-proekt.html',
  paragraphs: [5, 6],
} as const;
