// The long real posts (corpus/long): a set apart from the corpus, and its counts as the rules give them.
import { describe, expect, it } from 'vitest';
import { DEFAULT_NARRATIVES_DIR } from '../index.ts';
import { loadNarrativeDefinitions } from '../narrative-loader.ts';
import { loadCorpus } from './corpus.ts';
import { evaluateLongPosts, formatLongPosts, loadLongPosts } from './long-posts.ts';

const definitions = loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR);
const long = loadLongPosts();

describe('long real posts', () => {
  it('are multi-paragraph pages the corpus does not hold, with positives of both narratives', () => {
    const { train, test } = loadCorpus();
    const corpusUrls = new Set([...train, ...test].map((i) => i.url));
    expect(long.filter((i) => corpusUrls.has(i.url))).toEqual([]);
    for (const item of long) expect(item.text.split(/\n\s*\n/).length, item.url).toBeGreaterThanOrEqual(3);
    for (const { id } of definitions)
      expect(long.filter((i) => i.narratives.includes(id)).length, id).toBeGreaterThanOrEqual(5);
  });

  it('counts every positive once as found or missed, and tags among the hard negatives', async () => {
    const e = await evaluateLongPosts(long, definitions, undefined);
    expect(e.items).toBe(long.length);
    expect(e.hardNegatives).toBe(long.filter((i) => i.kind === 'hard_negative').length);
    for (const { id } of definitions) {
      const c = e.narratives[id] as { tp: number; fp: number; fn: number; hardNegativesTagged: number };
      expect(c.tp + c.fn, id).toBe(long.filter((i) => i.narratives.includes(id)).length);
      expect(c.hardNegativesTagged).toBeLessThanOrEqual(c.fp);
    }
    expect(formatLongPosts(e)[0]).toContain(`long real posts (${long.length}`);
  });
});
