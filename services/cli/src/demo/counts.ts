import { type Client, indexNames } from '@cw/es';

/** What the index holds after the run: posts per language and per narrative, edits, deletions. */
export async function indexedCounts(es: Client, prefix: string) {
  const names = indexNames(prefix);
  await es.indices.refresh({ index: `${prefix}-*` });
  const response = await es.search({
    index: names.posts,
    size: 0,
    track_total_hits: true,
    aggs: {
      lang: { terms: { field: 'lang', size: 20 } },
      narratives: { terms: { field: 'narratives', size: 20 } },
      taggers: { terms: { field: 'tagger', size: 5 } },
      edited: { filter: { term: { isEdited: true } } },
      deleted: { filter: { term: { isDeleted: true } } },
      forwards: { filter: { term: { isForward: true } } },
    },
  });
  type Buckets = { buckets: Array<{ key: string; doc_count: number }> };
  const aggs = response.aggregations as Record<string, Buckets & { doc_count: number }>;
  const asRecord = (b: Buckets) => Object.fromEntries(b.buckets.map((x) => [x.key, x.doc_count]));
  const rejects = await es.count({ index: names.rejects });
  return {
    posts: (response.hits.total as { value: number }).value,
    byLanguage: asRecord(aggs['lang'] as Buckets),
    byNarrative: asRecord(aggs['narratives'] as Buckets),
    /** Which tagger tagged the posts (rules alone, or rules and the trained classifier). */
    byTagger: asRecord(aggs['taggers'] as Buckets),
    edited: aggs['edited']?.doc_count ?? 0,
    deleted: aggs['deleted']?.doc_count ?? 0,
    forwards: aggs['forwards']?.doc_count ?? 0,
    rejects: rejects.count,
  };
}
