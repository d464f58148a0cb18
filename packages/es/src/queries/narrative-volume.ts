import type { Client } from '@elastic/elasticsearch';
import { indexNames } from '../names.ts';
import { assertComplete } from './complete.ts';

// Posts per narrative in the last 24 hours and the last 7 days, in one request. The window ends are
// explicit times rather than `now` date math, which keeps the request cacheable.

export type NarrativeVolume = { last24h: number; last7d: number };

export async function narrativeVolume(
  es: Client,
  prefix: string,
  params: { now?: Date | undefined; narratives?: string[] | undefined } = {},
): Promise<Record<string, NarrativeVolume>> {
  const now = (params.now ?? new Date()).getTime();
  const since = (hours: number) => new Date(now - hours * 3600_000).toISOString();
  const until = new Date(now).toISOString();
  const terms = {
    terms: { field: 'narratives', size: 500, ...(params.narratives ? { include: params.narratives } : {}) },
  };
  const response = await es.search({
    index: indexNames(prefix).posts,
    size: 0,
    query: { range: { postedAt: { gte: since(24 * 7), lt: until } } },
    aggs: {
      day: { filter: { range: { postedAt: { gte: since(24), lt: until } } }, aggs: { n: terms } },
      week: { filter: { match_all: {} }, aggs: { n: terms } },
    },
  });
  assertComplete(response);
  type Terms = { n: { buckets: { key: string; doc_count: number }[] } };
  const aggs = response.aggregations as { day?: Terms; week?: Terms } | undefined;
  const out: Record<string, NarrativeVolume> = {};
  for (const id of params.narratives ?? []) out[id] = { last24h: 0, last7d: 0 };
  for (const b of aggs?.week?.n.buckets ?? []) out[b.key] = { last24h: 0, last7d: b.doc_count };
  for (const b of aggs?.day?.n.buckets ?? []) {
    out[b.key] = { last7d: out[b.key]?.last7d ?? b.doc_count, last24h: b.doc_count };
  }
  return out;
}
