// The long real posts (corpus/long): a set apart from the corpus, its counts as the rules give them,
// and the paired reading of long posts that recruitment asks for.
import { describe, expect, it } from 'vitest';
import { PAIR_TAGGED_POST, realClassifiers } from '../../../../tests/support/classifier.ts';
import { DEFAULT_NARRATIVES_DIR } from '../index.ts';
import { loadNarrativeDefinitions } from '../narrative-loader.ts';
import { loadCorpus, splitOfSite } from './corpus.ts';
import { evaluateWholePosts, formatLongPosts, loadLaterChannelPosts, loadLongPosts } from './long-posts.ts';
import { pipelineTags } from './pipeline-tags.ts';
import { paragraphPairs } from './runtime.ts';

const definitions = loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR);
const long = loadLongPosts('dev');
const heldOut = loadLongPosts('held-out');

describe('long real posts', () => {
  it('are multi-paragraph pages the corpus does not hold, with positives of both narratives, in two sets apart', () => {
    const { train, test } = loadCorpus();
    const corpusUrls = new Set([...train, ...test].map((i) => i.url));
    const devUrls = new Set(long.map((i) => i.url));
    expect(heldOut.filter((i) => devUrls.has(i.url))).toEqual([]);
    for (const set of [long, heldOut]) {
      expect(set.filter((i) => corpusUrls.has(i.url))).toEqual([]);
      for (const item of set) expect(item.text.split(/\n\s*\n/).length, item.url).toBeGreaterThanOrEqual(3);
      for (const { id } of definitions)
        expect(set.filter((i) => i.narratives.includes(id)).length, id).toBeGreaterThanOrEqual(5);
    }
  });

  it('counts every positive once as found or missed, and tags among the hard negatives', async () => {
    const e = await evaluateWholePosts(long, definitions, undefined);
    expect(e.items).toBe(long.length);
    expect(e.hardNegatives).toBe(long.filter((i) => i.kind === 'hard_negative').length);
    for (const { id } of definitions) {
      const c = e.narratives[id] as { tp: number; fp: number; fn: number; hardNegativesTagged: number };
      expect(c.tp + c.fn, id).toBe(long.filter((i) => i.narratives.includes(id)).length);
      expect(c.hardNegativesTagged).toBeLessThanOrEqual(c.fp);
    }
    expect(formatLongPosts(e, 'dev')[0]).toContain(`long real posts, dev (${long.length}`);
  });
});

describe('later posts of channels in train', () => {
  const later = loadLaterChannelPosts();
  const messageId = (url: string) => Number(new URL(url).pathname.split('/').at(-1));

  it('come after every post of their channel that train holds, and neither split holds them', () => {
    const { train, test } = loadCorpus();
    expect(later.length).toBeGreaterThan(0);
    const texts = new Set([...train, ...test].map((i) => i.text));
    expect(later.filter((i) => texts.has(i.text)).map((i) => i.url)).toEqual([]);
    for (const site of new Set(later.map((i) => i.site))) {
      expect(site).toMatch(/^t\.me\//);
      expect(splitOfSite(site), site).toBe('train');
      const earlier = train.filter((i) => i.site === site).map((i) => messageId(i.url));
      expect(earlier.length, site).toBeGreaterThan(0);
      const first = Math.min(...later.filter((i) => i.site === site).map((i) => messageId(i.url)));
      expect(Math.max(...earlier), site).toBeLessThan(first);
    }
  });
});

describe('paragraph pairs', () => {
  it('are the neighbouring paragraphs of a post of three or more, without its decoration, six at most', () => {
    expect(paragraphPairs('Один.\n\nДва.')).toEqual([]);
    expect(paragraphPairs('Один.\n\nДва.\n\nТри.\n\nЧетыре.\n\nПодписаться | Прислать новость')).toEqual([
      'Один.\n\nДва.',
      'Два.\n\nТри.',
      'Три.\n\nЧетыре.',
    ]);
    const many = Array.from({ length: 10 }, (_, i) => `Абзац ${i + 1}.`).join('\n\n');
    expect(paragraphPairs(many)).toHaveLength(6);
  });
});

describe('long posts read pair by pair (real encoder, heads in git)', () => {
  const post = long.find((i) => i.url === PAIR_TAGGED_POST.url);
  const wholeOnly = definitions.map((d) => ({ ...d, longPosts: undefined }));
  const classifiers = realClassifiers({ paired: definitions, whole: wholeOnly });

  it('tags a post through a pair of its paragraphs where the whole post is not tagged, naming the pair', async () => {
    if (!post) throw new Error(`${PAIR_TAGGED_POST.url} is not in corpus/long/dev.jsonl`);
    expect(definitions.find((d) => d.id === 'mercenary_recruitment')?.longPosts).toBe('paragraph-pairs');
    expect(await pipelineTags([post.text], wholeOnly, classifiers.whole)).toEqual([[]]);
    expect(await pipelineTags([post.text], definitions, classifiers.paired)).toEqual([
      ['mercenary_recruitment'],
    ]);
    const [result] = await classifiers.paired.classify([post.text]);
    expect(result?.paragraphs).toEqual({ mercenary_recruitment: [...PAIR_TAGGED_POST.paragraphs] });
    // Blame reads whole posts: no pair is scored for it.
    expect(result?.paragraphs?.['kazakhstan_blame']).toBeUndefined();
  });
});
