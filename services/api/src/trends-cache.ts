import {
  type Client,
  type HourlyCounts,
  hourlyTrendCounts,
  type TrendsParams,
  type TrendsResult,
  trends,
} from '@cw/es';
import { fixedOffset, ZoneWindow } from './time-zone.ts';

// Trends over long windows re-count the same past days again and again (a 30-day hourly view
// slid by an hour scans 29 identical days). Whole past UTC days are kept as hourly counts for a
// short time (CW_API_TRENDS_CACHE_SECONDS) and re-bucketed into the requested interval and time
// zone; only the sub-hour fragments at the window's edges and days still filling are asked from
// Elasticsearch. Zones with a
// half-hour offset and the channel split (its top channels depend on the whole window) go to
// Elasticsearch directly. Staleness is bounded by the time to live.

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** A day this recent may still receive posts (collector lag): never cached. */
const SETTLE_MS = 30 * 60_000;

export type TrendsService = (params: TrendsParams) => Promise<TrendsResult>;

export function createTrendsService(
  es: Client,
  prefix: string,
  options: { ttlMs: number; maxDays?: number; now: () => Date },
): TrendsService {
  const cache = new Map<string, { expires: number; hours: HourlyCounts }>();
  const maxDays = options.maxDays ?? 20_000;

  return async (params) => {
    const split = params.split ?? 'narrative';
    const tz = params.timeZone ?? 'UTC';
    const from = Date.parse(params.from);
    const to = Date.parse(params.to);
    const zone = new ZoneWindow(tz, from, to);
    const wholeHours = zone.stretches.every((s) => s.offset % 60 === 0);
    if (options.ttlMs <= 0 || split === 'channel' || !wholeHours) {
      return trends(es, prefix, {
        ...params,
        zone: {
          stretches: zone.stretches.map((s) => ({ ...s, offset: fixedOffset(s.offset) })),
          bucketStart: (t, interval) => zone.bucketStart(t, interval),
          label: (t) => zone.label(t),
        },
      });
    }

    const now = options.now().getTime();
    const filterKey = JSON.stringify([split, params.filters ?? {}]);
    // Whole past days are fetched (or reused) whole and cut to the window's whole hours; only
    // the sub-hour fragments at the edges, and days still filling, are asked live.
    const settled = Math.floor((now - SETTLE_MS) / DAY) * DAY;
    const live: { from: number; to: number }[] = [];
    const days: { day: number; key: string; hours?: HourlyCounts }[] = [];
    let hoursFrom = 0;
    let hoursTo = 0;
    const settledTo = Math.min(to, settled);
    if (from < settledTo) {
      const a = Math.ceil(from / HOUR) * HOUR;
      const b = Math.floor(settledTo / HOUR) * HOUR;
      if (a < b) {
        hoursFrom = a;
        hoursTo = b;
        if (from < a) live.push({ from, to: a });
        if (b < settledTo) live.push({ from: b, to: settledTo });
        for (let day = Math.floor(a / DAY) * DAY; day < b; day += DAY) {
          const key = `${filterKey}|${day}`;
          const hit = cache.get(key);
          days.push({ day, key, ...(hit && hit.expires > now ? { hours: hit.hours } : {}) });
        }
      } else live.push({ from, to: settledTo });
    }
    if (to > settled) live.push({ from: Math.max(from, settled), to });
    const missing = days.filter((d) => !d.hours);
    const windows = [...live, ...missing.map((d) => ({ from: d.day, to: d.day + DAY }))];
    const fetched = await hourlyTrendCounts(es, prefix, {
      windows: windows.map((w) => ({
        from: new Date(w.from).toISOString(),
        to: new Date(w.to).toISOString(),
      })),
      split,
      filters: params.filters,
    });
    missing.forEach((d, i) => {
      d.hours = fetched[live.length + i] ?? new Map();
      cache.delete(d.key);
      cache.set(d.key, { expires: now + options.ttlMs, hours: d.hours });
    });
    // Oldest insertions first: a simple bound on memory.
    for (const key of cache.keys()) {
      if (cache.size <= maxDays) break;
      cache.delete(key);
    }
    const parts: HourlyCounts[] = fetched.slice(0, live.length);
    for (const d of days) {
      const hours = d.hours ?? new Map();
      // Only the first and last day can reach outside the window's whole hours.
      if (d.day >= hoursFrom && d.day + DAY <= hoursTo) {
        parts.push(hours);
        continue;
      }
      const cut: HourlyCounts = new Map();
      for (const [hour, row] of hours) if (hour >= hoursFrom && hour < hoursTo) cut.set(hour, row);
      parts.push(cut);
    }
    return assemble(params, split, zone, parts);
  };
}

function assemble(
  params: TrendsParams,
  split: 'narrative' | 'lang',
  zone: ZoneWindow,
  parts: HourlyCounts[],
): TrendsResult {
  const from = Date.parse(params.from);
  const to = Date.parse(params.to);
  const bucketOf = (hour: number) => zone.bucketStart(hour, params.interval);
  // Every bucket from the one holding `from` to the one holding the last instant (extended bounds).
  const buckets = new Map<number, { total: number; counts: Record<string, number> }>();
  for (let hour = Math.floor(from / HOUR) * HOUR; hour < to; hour += HOUR) {
    const b = bucketOf(hour);
    if (!buckets.has(b)) buckets.set(b, { total: 0, counts: {} });
  }
  const totals: Record<string, number> = {};
  for (const hours of parts) {
    for (const [hour, row] of hours) {
      const bucket = buckets.get(bucketOf(hour));
      if (!bucket) continue;
      bucket.total += row.total;
      for (const [key, n] of Object.entries(row.counts)) {
        bucket.counts[key] = (bucket.counts[key] ?? 0) + n;
        totals[key] = (totals[key] ?? 0) + n;
      }
    }
  }
  const narratives = params.filters?.narratives?.length ? params.filters.narratives : undefined;
  let keys = Object.keys(totals).sort((a, b) => (totals[b] ?? 0) - (totals[a] ?? 0) || a.localeCompare(b));
  keys = keys.slice(0, params.maxSeries ?? 50);
  for (const key of split === 'narrative' ? (narratives ?? []) : []) {
    if (!keys.includes(key)) {
      keys.push(key);
      totals[key] = 0;
    }
  }
  let posts = 0;
  const rows = [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([start, row]) => {
      posts += row.total;
      const counts: Record<string, number> = {};
      const shares: Record<string, number> = {};
      for (const key of keys) {
        counts[key] = row.counts[key] ?? 0;
        shares[key] = row.total > 0 ? (counts[key] ?? 0) / row.total : 0;
      }
      return { start: zone.label(start), total: row.total, counts, shares };
    });
  const kept: Record<string, number> = {};
  for (const key of keys) kept[key] = totals[key] ?? 0;
  return {
    from: params.from,
    to: params.to,
    interval: params.interval,
    timeZone: zone.timeZone,
    split,
    keys,
    buckets: rows,
    totals: { posts, counts: kept },
  };
}
