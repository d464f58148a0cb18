import type { Client } from '@elastic/elasticsearch';
import { indexNames } from '../names.ts';
import { assertComplete } from './complete.ts';
import { filterClauses, type PostFilters, textClause } from './filters.ts';

// Channels ranked by the posts carrying a narrative (any narrative when none is named) in a window,
// with their share of those posts, how many of them are forwards from other channels, and the
// channel's own volume in the window for context.

export type TopChannelsParams = {
  from: string;
  to: string;
  filters?: Omit<PostFilters, 'from' | 'to'> | undefined;
  size?: number | undefined;
};

export type TopChannel = {
  id: string;
  username?: string | undefined;
  title?: string | undefined;
  /** Posts of the channel carrying the narrative(s). */
  posts: number;
  /** posts / all posts carrying the narrative(s) in the window. */
  share: number;
  /** Of `posts`, those forwarded from another channel. */
  forwards: number;
  forwardShare: number;
  /** Every post of the channel in the window, narrative or not (same non-narrative filters). */
  channelPosts: number;
};

export type TopChannelsResult = { from: string; to: string; narrativePosts: number; channels: TopChannel[] };

type ChannelBucket = {
  key: string;
  doc_count: number;
  forwards: { doc_count: number };
  info: { hits: { hits: { _source?: { channel?: { username?: string; title?: string } } }[] } };
};

export async function topChannels(
  es: Client,
  prefix: string,
  params: TopChannelsParams,
): Promise<TopChannelsResult> {
  // Only the months the window touches are searched (fewer shards to visit than the alias).
  const target = indexNames(prefix).postsWindow(params.from, params.to);
  const filters = params.filters ?? {};
  const base = [
    ...filterClauses({ ...filters, from: params.from, to: params.to }, { withNarratives: false }),
    ...(filters.text ? [textClause(filters.text)] : []),
  ];
  const narrative = filters.narratives?.length
    ? { terms: { narratives: filters.narratives } }
    : { exists: { field: 'narratives' } };
  const response = await es.search({
    ...target,
    size: 0,
    track_total_hits: true,
    query: { bool: { filter: [...base, narrative] } },
    aggs: {
      channels: {
        terms: { field: 'channel.id', size: params.size ?? 20 },
        aggs: {
          forwards: { filter: { term: { isForward: true } } },
          info: {
            top_hits: {
              size: 1,
              _source: { includes: ['channel'] },
              sort: [{ postedAt: { order: 'desc' } }],
            },
          },
        },
      },
    },
  });
  assertComplete(response);
  const total = response.hits.total;
  const narrativePosts = typeof total === 'number' ? total : (total?.value ?? 0);
  const buckets =
    (response.aggregations?.['channels'] as { buckets: ChannelBucket[] } | undefined)?.buckets ?? [];
  const ids = buckets.map((b) => b.key);
  const volume = new Map<string, number>();
  if (ids.length > 0) {
    const all = await es.search({
      ...target,
      size: 0,
      query: { bool: { filter: [...base, { terms: { 'channel.id': ids } }] } },
      aggs: { channels: { terms: { field: 'channel.id', size: ids.length } } },
    });
    assertComplete(all);
    const rows =
      (all.aggregations?.['channels'] as { buckets?: { key: string; doc_count: number }[] } | undefined)
        ?.buckets ?? [];
    for (const row of rows) volume.set(row.key, row.doc_count);
  }
  return {
    from: params.from,
    to: params.to,
    narrativePosts,
    channels: buckets.map((b) => {
      const channel = b.info.hits.hits[0]?._source?.channel ?? {};
      return {
        id: b.key,
        username: channel.username,
        title: channel.title,
        posts: b.doc_count,
        share: narrativePosts > 0 ? b.doc_count / narrativePosts : 0,
        forwards: b.forwards.doc_count,
        forwardShare: b.doc_count > 0 ? b.forwards.doc_count / b.doc_count : 0,
        channelPosts: volume.get(b.key) ?? b.doc_count,
      };
    }),
  };
}
