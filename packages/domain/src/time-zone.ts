// A zone's offset as Node's ICU knows it: never the machine's own zone, and independent of
// Elasticsearch's JVM tz data (which may be older). The API buckets trends with it; the collector
// reads wall-clock export times with it.

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Offset of an IANA zone at instant t, in ms east of UTC, straight from Intl. Whole seconds (old
 * local mean times are not whole minutes); t's own milliseconds do not count.
 */
export function zoneOffsetMs(timeZone: string, t: number): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(t)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const local = Date.UTC(
    p['year'] ?? 1970,
    (p['month'] ?? 1) - 1,
    p['day'] ?? 1,
    p['hour'] ?? 0,
    p['minute'] ?? 0,
    p['second'] ?? 0,
  );
  return local - Math.floor(t / 1000) * 1000;
}
