// Counts per narrative (and of all posts, for the share view) in consecutive windows ending at
// `now`: the current window and enough history for the detector, in one aggregation request.
import type { Client } from '@cw/es';
import { indexNames } from '@cw/es';

export type CountSeries = { observed: number; history: number[] };

export type SpikeCounts = {
  windowStart: Date;
  windowEnd: Date;
  total: CountSeries;
  narratives: Map<string, CountSeries>;
};

type HistogramBucket = { key: number; doc_count: number };
type Histogram = { buckets: HistogramBucket[] };

/** Four weeks of same-time-of-week samples plus half a day for the weekday factor's blocks. */
export const HISTORY_DAYS = 29;

function toSeries(
  histogram: Histogram | undefined,
  start: number,
  windowMs: number,
  slots: number,
): CountSeries {
  const counts = new Array<number>(slots + 1).fill(0);
  for (const b of histogram?.buckets ?? []) {
    const i = Math.round((b.key - start) / windowMs);
    if (i >= 0 && i <= slots) counts[i] = b.doc_count;
  }
  return { observed: counts[slots] ?? 0, history: counts.slice(0, slots) };
}

export async function fetchSpikeCounts(
  es: Client,
  prefix: string,
  options: { now: Date; windowMinutes: number; historyDays?: number },
): Promise<SpikeCounts> {
  const windowMs = options.windowMinutes * 60_000;
  const slots = ((options.historyDays ?? HISTORY_DAYS) * 24 * 60) / options.windowMinutes;
  const end = options.now.getTime();
  const start = end - (slots + 1) * windowMs;
  // Buckets aligned on `now`, not on the clock: the last bucket is exactly the latest window.
  const offset = ((end % windowMs) + windowMs) % windowMs;
  const histogram = {
    date_histogram: {
      field: 'postedAt',
      fixed_interval: `${options.windowMinutes}m`,
      offset: `+${offset}ms`,
      min_doc_count: 0,
      extended_bounds: { min: start, max: end - 1 },
    },
  };
  const response = await es.search({
    index: indexNames(prefix).posts,
    size: 0,
    query: { range: { postedAt: { gte: start, lt: end, format: 'epoch_millis' } } },
    aggs: {
      total: histogram,
      narratives: { terms: { field: 'narratives', size: 500 }, aggs: { counts: histogram } },
    },
  });
  const aggs = response.aggregations as
    | { total: Histogram; narratives: { buckets: { key: string; counts: Histogram }[] } }
    | undefined;
  const narratives = new Map<string, CountSeries>();
  for (const b of aggs?.narratives.buckets ?? [])
    narratives.set(b.key, toSeries(b.counts, start, windowMs, slots));
  return {
    windowStart: new Date(end - windowMs),
    windowEnd: new Date(end),
    total: toSeries(aggs?.total, start, windowMs, slots),
    narratives,
  };
}
