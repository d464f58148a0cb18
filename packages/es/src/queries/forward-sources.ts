import type { Client } from '@elastic/elasticsearch';
import { indexNames } from '../names.ts';
import { type PostFilters, postsQuery } from './filters.ts';

// Where a channel's forwards come from: the posts matching the filters that are forwards, counted
// per origin channel (by id, with the username and name seen on its latest forward); origins Telegram
// hides (no channel id, only a name) are counted by that name.

export type ForwardSource = { id?: string; username?: string; name?: string; posts: number };

type Forward = { fromChannelId?: string; fromUsername?: string; fromName?: string };
type ById = {
  buckets: {
    key: string;
    doc_count: number;
    latest: { hits: { hits: { _source?: { forward?: Forward } }[] } };
  }[];
};
type ByName = { names: { buckets: { key: string; doc_count: number }[] } };

export async function forwardSources(
  es: Client,
  prefix: string,
  params: { from: string; to: string; filters: Omit<PostFilters, 'from' | 'to'>; size?: number },
): Promise<{ forwards: number; sources: ForwardSource[] }> {
  const size = params.size ?? 20;
  const response = await es.search({
    ...indexNames(prefix).postsWindow(params.from, params.to),
    size: 0,
    track_total_hits: true,
    query: postsQuery({ ...params.filters, from: params.from, to: params.to, isForward: true }),
    aggs: {
      byId: {
        terms: { field: 'forward.fromChannelId', size },
        aggs: {
          latest: { top_hits: { size: 1, sort: [{ postedAt: 'desc' }], _source: ['forward'] } },
        },
      },
      hidden: {
        filter: { bool: { must_not: { exists: { field: 'forward.fromChannelId' } } } },
        aggs: { names: { terms: { field: 'forward.fromName', size, missing: '' } } },
      },
    },
  });
  const aggs = response.aggregations as { byId?: ById; hidden?: ByName } | undefined;
  const total = response.hits.total;
  const sources: ForwardSource[] = [
    ...(aggs?.byId?.buckets ?? []).map((b) => {
      const f = b.latest.hits.hits[0]?._source?.forward ?? {};
      return {
        id: b.key,
        ...(f.fromUsername ? { username: f.fromUsername } : {}),
        ...(f.fromName ? { name: f.fromName } : {}),
        posts: b.doc_count,
      };
    }),
    ...(aggs?.hidden?.names.buckets ?? []).map((b) => ({
      ...(b.key ? { name: b.key } : {}),
      posts: b.doc_count,
    })),
  ];
  sources.sort((a, b) => b.posts - a.posts);
  return {
    forwards: typeof total === 'number' ? total : (total?.value ?? 0),
    sources: sources.slice(0, size),
  };
}
