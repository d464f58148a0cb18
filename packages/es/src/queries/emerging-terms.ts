import type { Client } from '@elastic/elasticsearch';
import { indexNames } from '../names.ts';
import { assertComplete } from './complete.ts';
import { filterClauses, type PostFilters, textClause } from './filters.ts';

// Terms that rise in a window against a background window, with significant_text over a sample of
// the window's best-matching posts (re-analysing every post would be slow). The background is the
// background window plus the window itself, so the foreground is a subset of it, as the scoring
// heuristics assume; the same filters (narrative, channel, language…) apply to both.

export type EmergingTermsParams = {
  from: string;
  to: string;
  backgroundFrom: string;
  filters?: Omit<PostFilters, 'from' | 'to'> | undefined;
  /** `text`: words as written (standard analyser); `textStems`: stems, variants merged. */
  field?: 'text' | 'textStems' | undefined;
  size?: number | undefined;
  minDocCount?: number | undefined;
  sampleSize?: number | undefined;
};

export type EmergingTerm = { term: string; score: number; docCount: number; backgroundCount: number };

export type EmergingTermsResult = {
  from: string;
  to: string;
  backgroundFrom: string;
  /** Posts in the sampled foreground and in the background. */
  foregroundPosts: number;
  backgroundPosts: number;
  terms: EmergingTerm[];
};

type SigBucket = { key: string; score: number; doc_count: number; bg_count: number };

export async function emergingTerms(
  es: Client,
  prefix: string,
  params: EmergingTermsParams,
): Promise<EmergingTermsResult> {
  const filters = params.filters ?? {};
  const text = filters.text ? [textClause(filters.text)] : [];
  const foreground = filterClauses({ ...filters, from: params.from, to: params.to });
  const background = [...filterClauses({ ...filters, from: params.backgroundFrom, to: params.to }), ...text];
  const response = await es.search({
    ...indexNames(prefix).postsWindow(params.backgroundFrom, params.to),
    size: 0,
    // The sampler keeps the best-scoring posts per shard: the best matches of a text query, and
    // without one a random sample (constant scores would keep whichever posts were indexed first).
    query: filters.text
      ? { bool: { filter: foreground, must: text } }
      : {
          function_score: {
            query: { bool: { filter: foreground } },
            functions: [{ random_score: { seed: 1, field: '_seq_no' } }],
            boost_mode: 'replace',
          },
        },
    aggs: {
      sample: {
        sampler: { shard_size: params.sampleSize ?? 200 },
        aggs: {
          terms: {
            significant_text: {
              field: params.field ?? 'text',
              size: params.size ?? 25,
              min_doc_count: params.minDocCount ?? 3,
              filter_duplicate_text: true,
              background_filter: { bool: { filter: background } },
            },
          },
        },
      },
    },
  });
  assertComplete(response);
  const sample = response.aggregations?.['sample'] as
    | { doc_count: number; terms: { doc_count?: number; bg_count?: number; buckets: SigBucket[] } }
    | undefined;
  return {
    from: params.from,
    to: params.to,
    backgroundFrom: params.backgroundFrom,
    foregroundPosts: sample?.doc_count ?? 0,
    backgroundPosts: sample?.terms.bg_count ?? 0,
    terms: (sample?.terms.buckets ?? []).map((b) => ({
      term: b.key,
      score: b.score,
      docCount: b.doc_count,
      backgroundCount: b.bg_count,
    })),
  };
}
