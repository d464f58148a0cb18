// The daily digest's data, from the shared query builders of @cw/es where they exist (top channels,
// top posts, copy-paste clusters, alerts) and two digest-specific aggregations: counts per narrative
// per local day, and forward sources seen for the first time.
import { type Client, clusters, indexNames, listAlerts, searchPosts, topChannels } from '@cw/es';
import { type DailyCounts, dailyCounts } from './daily-counts.ts';
import { type DigestDay, datesUpTo, digestDay } from './digest-day.ts';
import type { Digest, NarrativeDay } from './digest-types.ts';

const DAY_MS = 24 * 3600_000;
/** How far back a forward source must be unseen to count as new. */
export const FORWARD_LOOKBACK_DAYS = 30;

function narrativeRows(counts: DailyCounts['narratives'], date: string, timeZone: string): NarrativeDay[] {
  const week = datesUpTo(date, timeZone, 8).slice(0, 7);
  const chartDays = datesUpTo(date, timeZone, 7);
  return counts
    .map(({ narrative, days }) => {
      const count = days.get(date) ?? 0;
      const average7d = week.reduce((sum, d) => sum + (days.get(d) ?? 0), 0) / 7;
      return {
        narrative,
        count,
        average7d,
        ratio: average7d > 0 ? count / average7d : null,
        daily: chartDays.map((d) => ({ date: d, count: days.get(d) ?? 0 })),
      };
    })
    .sort((a, b) => b.count - a.count || b.average7d - a.average7d || a.narrative.localeCompare(b.narrative));
}

type SourceBucket = { key: string; first: { value: number }; today: { doc_count: number } };

/** Forward sources whose first forward in the look-back falls on the digest day, not monitored ones. */
async function newForwardSources(es: Client, prefix: string, day: DigestDay) {
  const since = new Date(day.from.getTime() - FORWARD_LOOKBACK_DAYS * DAY_MS);
  const sub = {
    first: { min: { field: 'postedAt' } },
    today: {
      filter: {
        range: { postedAt: { gte: day.from.getTime(), lt: day.to.getTime(), format: 'epoch_millis' } },
      },
    },
  };
  const response = await es.search({
    index: indexNames(prefix).posts,
    size: 0,
    query: {
      bool: {
        filter: [
          { term: { isForward: true } },
          { range: { postedAt: { gte: since.getTime(), lt: day.to.getTime(), format: 'epoch_millis' } } },
        ],
      },
    },
    aggs: {
      usernames: { terms: { field: 'forward.fromUsername', size: 1000 }, aggs: sub },
      ids: {
        filter: { bool: { must_not: [{ exists: { field: 'forward.fromUsername' } }] } },
        aggs: { ids: { terms: { field: 'forward.fromChannelId', size: 1000 }, aggs: sub } },
      },
    },
  });
  const aggs = response.aggregations as {
    usernames: { buckets: SourceBucket[] };
    ids: { ids: { buckets: SourceBucket[] } };
  };
  const fresh = [...aggs.usernames.buckets, ...aggs.ids.ids.buckets].filter(
    (b) => b.first.value >= day.from.getTime() && b.today.doc_count > 0,
  );
  if (fresh.length === 0) return [];
  const keys = fresh.map((b) => b.key);
  const monitored = await es.search({
    index: indexNames(prefix).posts,
    size: 0,
    query: { bool: { should: [{ terms: { 'channel.username': keys } }, { terms: { 'channel.id': keys } }] } },
    aggs: {
      u: { terms: { field: 'channel.username', size: keys.length, include: keys } },
      i: { terms: { field: 'channel.id', size: keys.length, include: keys } },
    },
  });
  const known = new Set<string>();
  for (const name of ['u', 'i']) {
    const agg = monitored.aggregations?.[name] as { buckets: { key: string }[] } | undefined;
    for (const b of agg?.buckets ?? []) known.add(b.key);
  }
  return fresh
    .filter((b) => !known.has(b.key))
    .map((b) => ({
      source: b.key,
      posts: b.today.doc_count,
      firstSeen: new Date(b.first.value).toISOString(),
    }))
    .sort((a, b) => b.posts - a.posts || a.source.localeCompare(b.source));
}

const channelName = (c: { id: string; username?: string | undefined }) =>
  c.username ? `@${c.username}` : c.id;

export async function buildDigest(deps: {
  es: Client;
  prefix: string;
  date: string;
  timeZone: string;
  now?: Date;
}): Promise<Digest> {
  const { es, prefix } = deps;
  const day = digestDay(deps.date, deps.timeZone);
  const from = day.from.toISOString();
  const to = day.to.toISOString();
  const counts = await dailyCounts(es, prefix, day, 7);
  const narratives = narrativeRows(counts.narratives, day.date, day.timeZone);
  const tagged = narratives.filter((n) => n.count > 0).map((n) => n.narrative);
  const ofTheDay = { from, to, ...(tagged.length > 0 ? { narratives: tagged } : {}) };
  const [channels, posts, forwarded, sources, copies, alerts] = await Promise.all([
    topChannels(es, prefix, { from, to, size: 10 }),
    searchPosts(es, prefix, { filters: ofTheDay, sort: 'views', order: 'desc', size: 10 }),
    // Where the forwards went: a post forwarded widely spreads openly, unlike a copy-paste campaign.
    searchPosts(es, prefix, { filters: ofTheDay, sort: 'forwards', order: 'desc', size: 10 }),
    newForwardSources(es, prefix, day),
    // Campaigns: the same text posted as each channel's own in ≥ 3 channels; a post and its
    // forwards are open reposts, not copy-paste.
    clusters(es, prefix, { from, to, size: 10, minChannels: 3, filters: { isForward: false } }),
    listAlerts(es, prefix, { from, to, size: 100 }),
  ]);
  return {
    version: '1',
    date: day.date,
    timeZone: day.timeZone,
    from,
    to,
    generatedAt: (deps.now ?? new Date()).toISOString(),
    totalPosts: counts.total.get(day.date) ?? 0,
    taggedPosts: counts.tagged.get(day.date) ?? 0,
    narratives,
    topChannels: channels.channels.map((c) => ({
      id: c.id,
      ...(c.username ? { username: c.username } : {}),
      ...(c.title ? { title: c.title } : {}),
      posts: c.posts,
      share: c.share,
    })),
    topPosts: posts.hits.map((p) => ({
      id: p.id,
      url: p.url,
      channel: channelName(p.channel),
      postedAt: p.postedAt,
      ...(p.metrics?.views !== undefined ? { views: p.metrics.views } : {}),
      narratives: p.narratives,
      text: p.text.slice(0, 280),
    })),
    mostForwarded: forwarded.hits
      .filter((p) => (p.metrics?.forwards ?? 0) > 0)
      .map((p) => ({
        id: p.id,
        url: p.url,
        channel: channelName(p.channel),
        postedAt: p.postedAt,
        forwards: p.metrics?.forwards ?? 0,
        ...(p.metrics?.views !== undefined ? { views: p.metrics.views } : {}),
        narratives: p.narratives,
        text: p.text.slice(0, 280),
      })),
    newForwardSources: sources,
    clusters: copies.clusters.map((c) => ({
      posts: c.posts,
      channels: c.channels,
      url: c.first.url,
      postedAt: c.first.postedAt,
      text: c.first.text.slice(0, 200),
    })),
    alerts: alerts.alerts.map((a) => ({
      id: a.id,
      narrative: a.narrative,
      observed: Number(a['peakObserved'] ?? a['observed'] ?? 0),
      expected: Number(a['expected'] ?? 0),
      windowStart: String(a['windowStart'] ?? ''),
      windowEnd: String(a['windowEnd'] ?? ''),
      status: String(a['status'] ?? ''),
    })),
  };
}
