// Long real posts (corpus/long): multi-paragraph excerpts of real pages, labelled whole per
// LABELLING.md, most positives with the narrative after the first paragraph. The corpus passages are
// 1–4 sentences, chosen around the claim; a channel's post is longer and the claim can come late,
// beyond the encoder's first 64 tokens. Never trained on. `dev` chose how long posts are read
// (`longPosts` in a definition); `held-out`, gathered apart, is only scored: `cw narratives eval`
// prints both and writes the held-out figures to evaluation.json. The later posts of channels in
// train (corpus/later) are scored the same way, whole, as the pipeline tags them.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NarrativeDefinition } from '../narrative-schema.ts';
import { type CorpusItem, DEFAULT_CORPUS_DIR, readCorpusFile } from './corpus.ts';
import { pipelineTags } from './pipeline-tags.ts';
import type { NarrativeClassifier } from './runtime.ts';

export type LongPostSet = 'dev' | 'held-out';
export const LONG_POST_SETS: readonly LongPostSet[] = ['dev', 'held-out'];

export function loadLongPosts(set: LongPostSet, dir = DEFAULT_CORPUS_DIR): CorpusItem[] {
  return readCorpusFile(join(dir, 'long', `${set}.jsonl`));
}

/**
 * Later posts of channels whose earlier posts are in train (corpus/later/<channel>.jsonl): a channel
 * is one site, so all of it lands on one side of the split; these posts, after a date cut, are kept
 * out of both splits and only scored, to show what training on a channel's past does for its future.
 */
export function loadLaterChannelPosts(dir = DEFAULT_CORPUS_DIR): CorpusItem[] {
  const folder = join(dir, 'later');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readCorpusFile(join(folder, f)));
}

export interface LongPostEvaluation {
  items: number;
  hardNegatives: number;
  /** Per narrative: the pipeline's counts on the whole posts. */
  narratives: Record<string, { tp: number; fp: number; fn: number; hardNegativesTagged: number }>;
}

export async function evaluateWholePosts(
  items: readonly CorpusItem[],
  definitions: readonly NarrativeDefinition[],
  classifier: NarrativeClassifier | undefined,
): Promise<LongPostEvaluation> {
  const tags = await pipelineTags(
    items.map((i) => i.text),
    definitions,
    classifier,
  );
  const narratives: LongPostEvaluation['narratives'] = {};
  for (const { id } of definitions) {
    const c = { tp: 0, fp: 0, fn: 0, hardNegativesTagged: 0 };
    items.forEach((item, i) => {
      const label = item.narratives.includes(id);
      const tagged = (tags[i] as string[]).includes(id);
      if (tagged && label) c.tp++;
      else if (tagged) c.fp++;
      else if (label) c.fn++;
      if (tagged && item.kind === 'hard_negative') c.hardNegativesTagged++;
    });
    narratives[id] = c;
  }
  return {
    items: items.length,
    hardNegatives: items.filter((i) => i.kind === 'hard_negative').length,
    narratives,
  };
}

export function formatLongPosts(e: LongPostEvaluation, set: LongPostSet): string[] {
  return formatWholePosts(
    e,
    `long real posts, ${set} (${e.items}, multi-paragraph, ${e.hardNegatives} hard negatives)`,
  );
}

/** Per narrative, the pipeline's counts on a set of whole posts, under `heading`. */
export function formatWholePosts(e: LongPostEvaluation, heading: string): string[] {
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '–');
  return [
    `${heading}, as the pipeline tags them:`,
    ...Object.entries(e.narratives).map(
      ([id, c]) =>
        `  ${id}: precision ${ratio(c.tp, c.tp + c.fp)}, recall ${ratio(c.tp, c.tp + c.fn)} (tp ${c.tp}, fp ${c.fp}, fn ${c.fn}); hard negatives tagged ${c.hardNegativesTagged}/${e.hardNegatives}`,
    ),
  ];
}
