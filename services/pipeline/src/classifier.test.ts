// The pipeline with the trained classifier (the real encoder, fetched once by the test run's setup):
// what it adds to a post, and that without it posts are tagged by the rules and say so.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IndexedPost } from '@cw/domain';
import {
  compileNarratives,
  DEFAULT_NARRATIVES_DIR,
  loadLongPosts,
  loadNarrativeDefinitions,
  openClassifier,
} from '@cw/enrichment';
import { indexNames, installIndices } from '@cw/es';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIR_TAGGED_POST } from '../../../tests/support/classifier.ts';
import { makePost } from '../../../tests/support/posts.ts';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { processBatch } from './process-batch.ts';

const ctx = isolatedServers();
const definitions = loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR);
const narratives = compileNarratives(definitions);
const opened = openClassifier({
  definitions,
  narrativesDir: DEFAULT_NARRATIVES_DIR,
  cacheDir: process.env['CW_CACHE_DIR'],
});

const AD =
  'Служба по контракту в Вооружённых силах! Единовременная выплата 1,2 млн рублей, денежное довольствие от 210 тысяч в месяц. Звоните 117 или приходите в пункт отбора на военную службу по контракту.';
const CHAT =
  'Друзья, кто знает хорошую кофейню в центре Алматы? Хочется тихое место, чтобы поработать с ноутбуком.';

beforeAll(() => installIndices(ctx.es, ctx.prefix));
afterAll(async () => (await opened).classifier?.close());

async function indexed(
  posts: ReturnType<typeof makePost>[],
  withClassifier: boolean,
): Promise<IndexedPost[]> {
  const { classifier } = await opened;
  await processBatch(posts, {
    es: ctx.es,
    prefix: ctx.prefix,
    enrich: { narratives, ...(withClassifier && classifier ? { classifier } : {}) },
    source: 'replay',
  });
  await ctx.es.indices.refresh({ index: `${ctx.prefix}-*` });
  const names = indexNames(ctx.prefix);
  const res = await ctx.es.search<IndexedPost>({
    index: names.posts,
    query: { terms: { messageId: posts.map((p) => p.messageId) } },
    sort: [{ messageId: 'asc' }],
  });
  return res.hits.hits.map((h) => h._source as IndexedPost);
}

describe('pipeline with the narrative classifier', () => {
  it('is on when the encoder is fetched and heads are trained for it', async () => {
    const { classifier, status } = await opened;
    expect(status).toMatchObject({ classifier: 'on' });
    expect(classifier?.heads.map((h) => h.narrative).sort()).toEqual([
      'kazakhstan_blame',
      'mercenary_recruitment',
    ]);
  });

  it('records the classifier and stance scores and the two nearest labelled passages as evidence, and the tagger', async () => {
    const [ad, chat] = await indexed([makePost(101, { text: AD }), makePost(102, { text: CHAT })], true);
    expect(ad?.narratives).toContain('mercenary_recruitment');
    const evidence = ad?.narrativeEvidence.find((e) => e.narrative === 'mercenary_recruitment');
    expect(evidence?.classifier?.score).toBeGreaterThanOrEqual(evidence?.classifier?.threshold ?? 1);
    // The stance stage's score is stored too (the strict mapping has a field for it).
    expect(evidence?.classifier?.stance).toEqual(expect.any(Number));
    expect(evidence?.nearest).toHaveLength(2);
    expect(evidence?.nearest?.[0]?.url).toMatch(/^https?:\/\//);
    expect(ad?.tagger).toMatch(/^rules-[0-9a-f]{8}\+e5-small-int8-g\d+-L\d+-T\d+\/heads-[0-9a-f]{8}$/);
    expect(chat?.narratives).toEqual([]);
  });

  it('indexes a long post tagged in a pair of its paragraphs, with the paragraphs in its evidence', async () => {
    // Read whole it is not tagged; a pair of its paragraphs is (tests/support/classifier.ts).
    const post = loadLongPosts('dev').find((i) => i.url === PAIR_TAGGED_POST.url);
    const [long] = await indexed([makePost(105, { text: post?.text ?? '' })], true);
    expect(long?.narratives).toContain('mercenary_recruitment');
    const evidence = long?.narrativeEvidence.find((e) => e.narrative === 'mercenary_recruitment');
    // Stored under the strict mapping, which has a field for it.
    expect(evidence?.classifier?.paragraphs).toEqual([...PAIR_TAGGED_POST.paragraphs]);
  });

  it('tags by the rules alone without the classifier, and says so on the post', async () => {
    const [ad] = await indexed([makePost(103, { text: AD })], false);
    expect(ad?.tagger).toMatch(/^rules-[0-9a-f]{8}$/);
    for (const e of ad?.narrativeEvidence ?? []) expect(e.classifier).toBeUndefined();
  });

  it('indexes a batch with the rules alone when the classifier fails on it, and says so', async () => {
    const { classifier } = await opened;
    if (!classifier) throw new Error('classifier off');
    const broken = { ...classifier, classify: async () => Promise.reject(new Error('onnxruntime failed')) };
    const errors: unknown[] = [];
    await processBatch([makePost(104, { text: AD })], {
      es: ctx.es,
      prefix: ctx.prefix,
      enrich: { narratives, classifier: broken },
      source: 'replay',
      onClassifierError: (err) => errors.push(err),
    });
    await ctx.es.indices.refresh({ index: `${ctx.prefix}-*` });
    const res = await ctx.es.search<IndexedPost>({
      index: indexNames(ctx.prefix).posts,
      query: { term: { messageId: 104 } },
    });
    const post = res.hits.hits[0]?._source;
    expect(errors).toHaveLength(1);
    expect(post?.narratives).toContain('mercenary_recruitment');
    expect(post?.tagger).toMatch(/^rules-[0-9a-f]{8}$/);
  });

  it('reports why it is off when the encoder is missing', async () => {
    const { classifier, status } = await openClassifier({
      definitions,
      narrativesDir: DEFAULT_NARRATIVES_DIR,
      cacheDir: '/nonexistent-cw-cache',
    });
    expect(classifier).toBeUndefined();
    expect(status.classifier).toBe('off');
    expect(status.reason).toMatch(/encoder not fetched.*cw stack up/);
  });

  it('names the older conversion when the cache holds only the encoder of a version before', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cw-cache-'));
    try {
      // The folder of the conversion before, finished, beside the packed weights and the converter's venv.
      const older = join(cacheDir, 'encoder', 'e5-small-int8-L12');
      mkdirSync(older, { recursive: true });
      for (const f of ['vocab.json', 'encoder-int8.onnx']) writeFileSync(join(older, f), '');
      mkdirSync(join(cacheDir, 'encoder', 'venv'));
      writeFileSync(join(cacheDir, 'encoder', 'e5-small-q4.bin'), '');
      const { classifier, status } = await openClassifier({
        definitions,
        narrativesDir: DEFAULT_NARRATIVES_DIR,
        cacheDir,
      });
      expect(classifier).toBeUndefined();
      expect(status.classifier).toBe('off');
      expect(status.reason).toMatch(/not converted for this version .*e5-small-int8-L12.*cw stack up/);
      expect(status.reason).not.toMatch(/q4|venv/);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
