// What an analyst needs to judge an alert: the channels and posts behind the spike and the matched
// signals of this narrative (evidence comes from the posts, so it is exact per narrative).
import { type Client, indexNames } from '@cw/es';
import type { EvidenceCount, TopChannel, TopPost } from './alert.ts';
import { type SourceMix, textGroups } from './flood.ts';

type PostHit = {
  id: string;
  fingerprint?: string;
  url: string;
  text?: string;
  channel: { id: string; username?: string; title?: string };
  metrics?: { views?: number };
  narrativeEvidence?: { narrative: string; signals?: { group: string; term: string }[] }[];
};

export async function alertDetails(
  es: Client,
  prefix: string,
  params: { narrative: string; from: Date; to: Date; channelId?: string },
): Promise<{
  topChannels: TopChannel[];
  topPosts: TopPost[];
  evidence: EvidenceCount[];
  mix: SourceMix;
}> {
  const response = await es.search<PostHit>({
    index: indexNames(prefix).posts,
    // Every post of a spike window (hundreds at most) for the near-duplicate groups.
    size: 1000,
    track_total_hits: true,
    query: {
      bool: {
        filter: [
          { term: { narratives: params.narrative } },
          { range: { postedAt: { gte: params.from.toISOString(), lt: params.to.toISOString() } } },
          ...(params.channelId ? [{ term: { 'channel.id': params.channelId } }] : []),
        ],
      },
    },
    sort: [{ 'metrics.views': { order: 'desc', missing: '_last' } }, { postedAt: { order: 'asc' } }],
    _source: ['id', 'url', 'text', 'channel', 'metrics.views', 'narrativeEvidence', 'fingerprint'],
    aggs: {
      channelCount: { cardinality: { field: 'channel.id' } },
      channels: {
        terms: { field: 'channel.id', size: 5 },
        aggs: { info: { top_hits: { size: 1, _source: ['channel'] } } },
      },
    },
  });
  const hits = response.hits.hits.map((h) => h._source).filter((p): p is PostHit => !!p);
  type ChannelBucket = {
    key: string;
    doc_count: number;
    info: { hits: { hits: { _source?: { channel?: PostHit['channel'] } }[] } };
  };
  const buckets =
    (response.aggregations?.['channels'] as { buckets: ChannelBucket[] } | undefined)?.buckets ?? [];
  const topChannels = buckets.map((b) => {
    const channel = b.info.hits.hits[0]?._source?.channel;
    return {
      id: b.key,
      count: b.doc_count,
      ...(channel?.username ? { username: channel.username } : {}),
      ...(channel?.title ? { title: channel.title } : {}),
    };
  });
  const topPosts = hits.slice(0, 5).map((p) => ({
    id: p.id,
    url: p.url,
    channelId: p.channel.id,
    ...(p.metrics?.views !== undefined ? { views: p.metrics.views } : {}),
    ...(p.text ? { text: p.text.slice(0, 280) } : {}),
  }));
  const counts = new Map<string, EvidenceCount>();
  for (const post of hits) {
    for (const ev of post.narrativeEvidence ?? []) {
      if (ev.narrative !== params.narrative) continue;
      for (const s of ev.signals ?? []) {
        const key = `${s.group}\u0000${s.term}`;
        const entry = counts.get(key) ?? { group: s.group, term: s.term, count: 0 };
        entry.count += 1;
        counts.set(key, entry);
      }
    }
  }
  const evidence = [...counts.values()]
    .sort((a, b) => b.count - a.count || a.term.localeCompare(b.term))
    .slice(0, 10);
  const groups = textGroups(hits.map((p) => p.fingerprint ?? ''));
  const total = response.hits.total;
  const mix: SourceMix = {
    posts: typeof total === 'number' ? total : (total?.value ?? hits.length),
    distinctChannels:
      (response.aggregations?.['channelCount'] as { value: number } | undefined)?.value ?? topChannels.length,
    topChannelCount: topChannels[0]?.count ?? 0,
    distinctTexts: groups.length,
    topTextCount: groups[0] ?? 0,
  };
  return { topChannels, topPosts, evidence, mix };
}
