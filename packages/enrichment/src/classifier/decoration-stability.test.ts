// Real channel decoration (corpus/decorations/dev.jsonl: footers, hashtag lines and leading markers
// copied from real posts, each with its source) around real train passages, tagged as the pipeline
// tags, with the real encoder and the heads in git. Before the rules and the classifier read around
// decoration this failed: on all train passages the same snippets made the rules add 82 recruitment
// tags ("Подписаться" read as signing up, a footer's handle as a contact to write to).
import { describe, expect, it } from 'vitest';
import { realClassifiers } from '../../../../tests/support/classifier.ts';
import { DEFAULT_NARRATIVES_DIR } from '../index.ts';
import { loadNarrativeDefinitions } from '../narrative-loader.ts';
import { loadCorpus, sourceOf } from './corpus.ts';
import { decorate, decorationStability, loadDecorations } from './decoration-stability.ts';

const definitions = loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR);
const decorations = loadDecorations('dev');

describe('the real decoration sets', () => {
  it('hold sourced snippets of every kind, the held-out set from other channels', () => {
    const heldOut = loadDecorations('held-out');
    for (const set of [decorations, heldOut]) {
      expect(new Set(set.map((d) => d.kind))).toEqual(new Set(['footer', 'leading', 'hashtags']));
      for (const d of set) expect(d.source).toMatch(/^https?:\/\/|^[\w.-]+\/[\w.-]+ \S+ @ [0-9a-f]{40}/);
    }
    // Gathered from other channels (a bare ❗️ opens posts of many).
    const devChannels = new Set(decorations.map((d) => d.channel));
    expect(heldOut.filter((d) => devChannels.has(d.channel))).toEqual([]);
  });

  it('puts a footer after the passage and a marker before it', () => {
    const footer = decorations.find((d) => d.kind === 'footer');
    const leading = decorations.find((d) => d.kind === 'leading');
    expect(footer && decorate('Текст.', footer)).toBe(`Текст.\n\n${footer?.text}`);
    expect(leading && decorate('Текст.', leading)).toBe(`${leading?.text} Текст.`);
  });
});

describe('tags under real decoration (real encoder, heads in git)', () => {
  const classifiers = realClassifiers({ inGit: definitions });

  it('the rules never change their verdict, and the pipeline changes under 1% of its tags', async () => {
    // Every fourth web passage of train: ~300 passages, three decorated copies each. Telegram posts
    // carry their own real decoration already; a second footer would push theirs out of the last lines.
    const passages = loadCorpus()
      .train.filter((i) => sourceOf(i) === 'web')
      .filter((_, i) => i % 4 === 0);
    const s = await decorationStability(passages, decorations, definitions, classifiers.inGit);
    expect(s.variants).toBe(passages.length * 3);
    for (const id of definitions.map((d) => d.id)) {
      expect(s.rulesChanged[id], id).toEqual({ added: 0, lost: 0 });
      const c = s.changed[id] as { added: number; lost: number };
      // What is left is leading markers that are words of the post ("Повітряна тривога!", "Цифра дня:")
      // moving passages that sit at a cut.
      expect(c.added + c.lost, id).toBeLessThan(s.variants * 0.01);
    }
  });
});
