import { compileNarratives, DEFAULT_NARRATIVES_DIR, loadNarrativeDefinitions } from '@cw/enrichment';
import { indexNames, installIndices } from '@cw/es';
import { beforeAll, describe, expect, it } from 'vitest';
import { makePost } from '../../../tests/support/posts.ts';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { processBatch } from './process-batch.ts';
import { retag } from './retag.ts';

const ctx = isolatedServers();
const RECRUITING =
  'Набор добровольцев продолжается! Контракт с Минобороны на год, выплаты от 400 тысяч рублей в месяц, подъемные сразу. Пиши в личку @hr_123_bot';

beforeAll(() => installIndices(ctx.es, ctx.prefix));

describe('retag', () => {
  it('applies new definitions to indexed history and leaves unchanged posts alone', async () => {
    // Indexed while no narrative was defined.
    const posts = [makePost(1, { text: RECRUITING }), makePost(2), makePost(3, { text: RECRUITING })];
    await processBatch(posts, {
      es: ctx.es,
      prefix: ctx.prefix,
      enrich: { narratives: compileNarratives([]) },
      source: 'replay',
    });
    await ctx.es.indices.refresh({ index: `${ctx.prefix}-*` });
    const names = indexNames(ctx.prefix);
    const tagged = () =>
      ctx.es.count({ index: names.posts, query: { term: { narratives: 'mercenary_recruitment' } } });
    expect((await tagged()).count).toBe(0);

    const narratives = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
    const result = await retag(ctx.es, ctx.prefix, narratives, { pageSize: 2 });
    await ctx.es.indices.refresh({ index: `${ctx.prefix}-*` });
    // All three change: two gain the narrative, and every post records the new tagger version.
    expect(result).toEqual({ scanned: 3, changed: 3, skipped: 0 });
    expect((await tagged()).count).toBe(2);
    const doc = await ctx.es.get<{ narrativeEvidence: { narrative: string }[]; version: number }>({
      index: names.postsIndex(posts[0]?.postedAt as string),
      id: '-1001234567890_1',
    });
    expect(doc._source?.narrativeEvidence.map((e) => e.narrative)).toEqual(['mercenary_recruitment']);
    expect(doc._source?.version).toBe(Date.parse(posts[0]?.postedAt as string));
    expect(await retag(ctx.es, ctx.prefix, narratives)).toEqual({ scanned: 3, changed: 0, skipped: 0 });
  });
});
