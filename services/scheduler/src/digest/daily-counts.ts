// Posts per local calendar day (all posts, tagged posts, each narrative), from `daysBefore` days
// before a digest day up to its end, in one aggregation: the digest's table and chart and the
// daily trend evaluation read the same counts.
import { type Client, indexNames } from '@cw/es';
import { DateTime } from 'luxon';
import type { DigestDay } from './digest-day.ts';

type Histogram = { buckets: { key_as_string: string; doc_count: number }[] };

export type DailyCounts = {
  total: Map<string, number>;
  tagged: Map<string, number>;
  narratives: { narrative: string; days: Map<string, number> }[];
};

export async function dailyCounts(
  es: Client,
  prefix: string,
  day: DigestDay,
  daysBefore: number,
): Promise<DailyCounts> {
  // Calendar days in the digest's time zone (a DST day is 23 or 25 hours), not UTC days.
  const start = DateTime.fromJSDate(day.from, { zone: day.timeZone }).minus({ days: daysBefore }).toMillis();
  const perDay = {
    date_histogram: {
      field: 'postedAt',
      calendar_interval: '1d' as const,
      time_zone: day.timeZone,
      format: 'yyyy-MM-dd',
      min_doc_count: 0,
      extended_bounds: { min: start, max: day.to.getTime() - 1 },
    },
  };
  const response = await es.search({
    index: indexNames(prefix).posts,
    size: 0,
    query: { range: { postedAt: { gte: start, lt: day.to.getTime(), format: 'epoch_millis' } } },
    aggs: {
      total: perDay,
      tagged: { filter: { exists: { field: 'narratives' } }, aggs: { days: perDay } },
      narratives: { terms: { field: 'narratives', size: 500 }, aggs: { days: perDay } },
    },
  });
  const aggs = response.aggregations as {
    total: Histogram;
    tagged: { days: Histogram };
    narratives: { buckets: { key: string; days: Histogram }[] };
  };
  const byDate = (h: Histogram) => new Map(h.buckets.map((b) => [b.key_as_string, b.doc_count]));
  return {
    total: byDate(aggs.total),
    tagged: byDate(aggs.tagged.days),
    narratives: aggs.narratives.buckets.map((b) => ({ narrative: b.key, days: byDate(b.days) })),
  };
}
