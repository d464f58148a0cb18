import type { IndexedPost } from '@cw/domain';
import {
  type CompiledNarratives,
  combineTags,
  type NarrativeClassifier,
  type NarrativeTags,
  taggerVersion,
  tagNarratives,
} from '@cw/enrichment';
import { type Client, indexNames } from '@cw/es';

export type RetagResult = { scanned: number; changed: number; skipped: number };

/**
 * Re-tag indexed posts with the current narrative definitions, without collecting again: a
 * point-in-time scan in pages, and each changed post written back only if nobody wrote it since it
 * was read (`if_seq_no`), so an edit or merge that lands meanwhile wins and is simply skipped here.
 */
export async function retag(
  es: Client,
  prefix: string,
  narratives: CompiledNarratives,
  options: {
    from?: string;
    to?: string;
    pageSize?: number;
    onProgress?: (r: RetagResult) => void;
    /** The trained heads; without them posts are re-tagged by the rules alone. */
    classifier?: NarrativeClassifier;
  } = {},
): Promise<RetagResult> {
  const names = indexNames(prefix);
  const result: RetagResult = { scanned: 0, changed: 0, skipped: 0 };
  const pit = await es.openPointInTime({ index: names.posts, keep_alive: '2m' });
  let searchAfter: unknown[] | undefined;
  try {
    for (;;) {
      const page = await es.search<IndexedPost>({
        seq_no_primary_term: true,
        size: options.pageSize ?? 1000,
        pit: { id: pit.id, keep_alive: '2m' },
        query: {
          range: {
            postedAt: {
              ...(options.from ? { gte: options.from } : {}),
              ...(options.to ? { lt: options.to } : {}),
            },
          },
        },
        sort: [{ postedAt: 'asc' }, { id: 'asc' }],
        ...(searchAfter ? { search_after: searchAfter as never } : {}),
      });
      const hits = page.hits.hits;
      if (hits.length === 0) break;
      searchAfter = hits[hits.length - 1]?.sort;
      const changed: IndexedPost[] = [];
      const written = new Map<string, { index: string; seqNo: number; term: number }>();
      for (const h of hits) {
        written.set(h._id as string, {
          index: h._index,
          seqNo: h._seq_no as number,
          term: h._primary_term as number,
        });
      }
      const classifier = options.classifier;
      const posts = hits.map((h) => h._source).filter((p): p is IndexedPost => p !== undefined);
      const rulesOf = new Map(posts.map((p) => [p, tagNarratives(narratives, p.text, p.lang)]));
      const candidates = classifier ? posts.filter((p) => classifier.gate.test(p.text)) : [];
      const scored = classifier
        ? await classifier.classify(
            candidates.map((p) => p.text),
            candidates.map((p) => rulesOf.get(p)?.narratives),
          )
        : [];
      const resultOf = new Map(candidates.map((p, i) => [p, scored[i]]));
      const order = narratives.compiled.map((d) => d.id);
      const tagger = taggerVersion(narratives.definitions, classifier);
      for (const post of posts) {
        result.scanned += 1;
        const rules = rulesOf.get(post) as NarrativeTags;
        const tags = combineTags(rules, resultOf.get(post), classifier, order, post.lang);
        if (
          post.tagger === tagger &&
          JSON.stringify(tags.narratives) === JSON.stringify(post.narratives) &&
          JSON.stringify(tags.narrativeEvidence) === JSON.stringify(post.narrativeEvidence)
        )
          continue;
        changed.push({
          ...post,
          narratives: tags.narratives,
          narrativeEvidence: tags.narrativeEvidence,
          tagger,
        });
      }
      if (changed.length > 0) {
        await es.helpers.bulk<IndexedPost>({
          datasource: changed,
          onDocument: (doc) => ({
            index: {
              _index: written.get(doc.id)?.index ?? names.postsIndex(doc.postedAt),
              _id: doc.id,
              if_seq_no: written.get(doc.id)?.seqNo,
              if_primary_term: written.get(doc.id)?.term,
            },
          }),
          onDrop: (dropped) => {
            if (dropped.status !== 409)
              throw new Error(`retag write failed: ${dropped.error?.reason ?? dropped.status}`);
            result.skipped += 1;
          },
        });
        result.changed += changed.length;
      }
      options.onProgress?.({ ...result });
    }
  } finally {
    await es.closePointInTime({ id: pit.id }).catch(() => {});
  }
  result.changed -= result.skipped;
  return result;
}
