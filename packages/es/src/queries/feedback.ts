import type { Client, estypes } from '@elastic/elasticsearch';
import { indexNames } from '../names.ts';

// Analysts' verdicts on narrative tags. One document per key, post and narrative (the id), so the
// last verdict of a key is the one that counts; different keys' verdicts are kept side by side.

export type Verdict = 'confirm' | 'reject' | 'add';

export type FeedbackDoc = {
  postId: string;
  narrative: string;
  verdict: Verdict;
  tagged: boolean;
  postNarratives: string[];
  note?: string | undefined;
  key: string;
  at: string;
  channelId: string;
  postedAt: string;
  lang: string;
  url: string;
  text: string;
  tagger?: string | undefined;
};

export const feedbackId = (doc: Pick<FeedbackDoc, 'key' | 'postId' | 'narrative'>) =>
  `${doc.key}|${doc.postId}|${doc.narrative}`;

export async function putFeedback(es: Client, prefix: string, doc: FeedbackDoc): Promise<void> {
  // The page reads the verdict (and the precision) right after writing it. An immediate refresh,
  // not wait_for: waiting for the next scheduled one held every verdict about a second, and verdicts
  // come at the pace of people clicking, so refreshing for each costs Elasticsearch little.
  await es.index({
    index: indexNames(prefix).feedback,
    id: feedbackId(doc),
    document: doc,
    refresh: true,
  });
}

export async function listFeedback(
  es: Client,
  prefix: string,
  params: { postIds?: string[] | undefined; from?: string | undefined; size?: number | undefined },
): Promise<FeedbackDoc[]> {
  const filter: estypes.QueryDslQueryContainer[] = [];
  if (params.postIds?.length) filter.push({ terms: { postId: params.postIds } });
  if (params.from) filter.push({ range: { at: { gte: params.from } } });
  const response = await es.search<FeedbackDoc>({
    index: indexNames(prefix).feedback,
    ignore_unavailable: true,
    size: params.size ?? 500,
    query: { bool: { filter } },
    sort: [{ at: { order: 'desc' } }],
  });
  return response.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
}

export type NarrativePrecision = {
  narrative: string;
  confirmed: number;
  rejected: number;
  added: number;
  /** confirmed / (confirmed + rejected); null without a verdict on a tag. */
  precision: number | null;
};

/** Per narrative, over verdicts given since `from`: how many tags analysts confirmed and rejected. */
export async function feedbackPrecision(
  es: Client,
  prefix: string,
  params: { from: string },
): Promise<NarrativePrecision[]> {
  const response = await es.search({
    index: indexNames(prefix).feedback,
    ignore_unavailable: true,
    size: 0,
    query: { range: { at: { gte: params.from } } },
    aggs: {
      narratives: {
        terms: { field: 'narrative', size: 200 },
        aggs: { verdicts: { terms: { field: 'verdict', size: 3 } } },
      },
    },
  });
  type Buckets = {
    buckets: {
      key: string;
      doc_count: number;
      verdicts: { buckets: { key: string; doc_count: number }[] };
    }[];
  };
  const agg = response.aggregations?.['narratives'] as Buckets | undefined;
  return (agg?.buckets ?? [])
    .map((b) => {
      const count = (v: Verdict) => b.verdicts.buckets.find((x) => x.key === v)?.doc_count ?? 0;
      const confirmed = count('confirm');
      const rejected = count('reject');
      return {
        narrative: b.key,
        confirmed,
        rejected,
        added: count('add'),
        precision: confirmed + rejected > 0 ? confirmed / (confirmed + rejected) : null,
      };
    })
    .sort((a, b) => a.narrative.localeCompare(b.narrative));
}

/** Every verdict, oldest first, in pages (for the export). */
export async function* scanFeedback(
  es: Client,
  prefix: string,
  pageSize = 1000,
): AsyncGenerator<FeedbackDoc> {
  let after: estypes.SortResults | undefined;
  for (;;) {
    const response = await es.search<FeedbackDoc>({
      index: indexNames(prefix).feedback,
      ignore_unavailable: true,
      size: pageSize,
      // _id cannot be sorted on in 8.x; key + post + narrative is the id's content.
      sort: [{ at: 'asc' }, { key: 'asc' }, { postId: 'asc' }, { narrative: 'asc' }],
      ...(after ? { search_after: after } : {}),
    });
    const hits = response.hits.hits;
    for (const h of hits) if (h._source) yield h._source;
    if (hits.length < pageSize) return;
    after = hits[hits.length - 1]?.sort;
  }
}
