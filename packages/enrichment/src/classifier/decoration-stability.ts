// Whether tags hold when real channel decoration (footers, hashtag lines, leading markers copied from
// real posts: corpus/decorations) is put around real corpus passages, as channels do to every post.
// `cw narratives eval` reports it on the test split with the held-out set; a test holds it on train
// with the development set (the one decoration.ts was written against).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { NarrativeDefinition } from '../narrative-schema.ts';
import { DEFAULT_CORPUS_DIR } from './corpus.ts';
import { pipelineTags } from './pipeline-tags.ts';
import type { NarrativeClassifier } from './runtime.ts';

const decorationItem = z.object({
  text: z.string().min(1),
  kind: z.enum(['footer', 'leading', 'hashtags']),
  lang: z.string().regex(/^[a-z]{2}$/),
  channel: z.string(),
  source: z.string().min(1),
  note: z.string(),
});
export type Decoration = z.infer<typeof decorationItem>;

/** `dev`: what decoration.ts was written against; `held-out`: gathered apart, for the eval only. */
export function loadDecorations(set: 'dev' | 'held-out', dir = DEFAULT_CORPUS_DIR): Decoration[] {
  const path = join(dir, 'decorations', `${set}.jsonl`);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = decorationItem.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(
          `${path}:${i + 1}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
        );
      return parsed.data;
    });
}

/** A passage as a channel would post it: a footer or hashtag line after a blank line, a marker before. */
export function decorate(text: string, decoration: Decoration): string {
  return decoration.kind === 'leading' ? `${decoration.text} ${text}` : `${text}\n\n${decoration.text}`;
}

/**
 * Each text as a channel would post it, `perPassage` times with other real decoration, spread without
 * a random draw so that a rerun scores the same copies.
 */
export function decoratedCopies(
  items: readonly { text: string }[],
  decorations: readonly Decoration[],
  perPassage = 3,
): string[] {
  const count = Math.min(perPassage, decorations.length);
  return items.flatMap((item, i) =>
    Array.from({ length: count }, (_, j) =>
      decorate(item.text, decorations[(i * 7 + j * 13) % decorations.length] as Decoration),
    ),
  );
}

export interface DecorationStability {
  decorations: number;
  channels: number;
  passages: number;
  /** Decorated copies scored (passages × decorations per passage). */
  variants: number;
  /** Per narrative: copies whose tag differs from the undecorated passage's, as the pipeline decides. */
  changed: Record<string, { added: number; lost: number }>;
  /** The same for the rules alone. */
  rulesChanged: Record<string, { added: number; lost: number }>;
}

export async function decorationStability(
  items: readonly { text: string }[],
  decorations: readonly Decoration[],
  definitions: readonly NarrativeDefinition[],
  classifier: NarrativeClassifier | undefined,
  perPassage = 3,
): Promise<DecorationStability> {
  const count = Math.min(perPassage, decorations.length);
  const variants = decoratedCopies(items, decorations, perPassage);
  const narratives = definitions.map((d) => d.id);
  const tally = async (rulesOnly: boolean) => {
    const base = await pipelineTags(
      items.map((i) => i.text),
      definitions,
      classifier,
      rulesOnly,
    );
    const decorated = await pipelineTags(variants, definitions, classifier, rulesOnly);
    const changed = Object.fromEntries(narratives.map((id) => [id, { added: 0, lost: 0 }]));
    decorated.forEach((tags, v) => {
      const before = base[Math.floor(v / count)] as string[];
      for (const id of narratives) {
        const c = changed[id] as { added: number; lost: number };
        if (tags.includes(id) && !before.includes(id)) c.added++;
        if (!tags.includes(id) && before.includes(id)) c.lost++;
      }
    });
    return changed;
  };
  return {
    decorations: decorations.length,
    channels: new Set(decorations.map((d) => d.channel || d.source)).size,
    passages: items.length,
    variants: variants.length,
    changed: await tally(false),
    rulesChanged: await tally(true),
  };
}

export function formatDecorationStability(s: DecorationStability, label: string): string[] {
  const part = (c: Record<string, { added: number; lost: number }>) =>
    Object.entries(c)
      .map(([id, { added, lost }]) => `${id} ${added + lost} (added ${added}, lost ${lost})`)
      .join(', ');
  return [
    `real channel decoration (${label}: ${s.decorations} snippets from ${s.channels} channels) around ${s.passages} passages, ${s.variants} decorated copies; tags that changed:`,
    `  as the pipeline decides: ${part(s.changed)}`,
    `  the rules alone: ${part(s.rulesChanged)}`,
  ];
}
