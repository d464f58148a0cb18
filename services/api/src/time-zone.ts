// Local times of UTC instants, enough to re-bucket hourly UTC counts the way Elasticsearch's
// calendar intervals bucket them: labels like 2026-03-01T00:00:00+05:00 (Z for UTC).

const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(timeZone: string, t: number) {
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
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(t)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/**
 * A per-zone memo of instants: offsets and labels of whole hours are asked again and again (every
 * bucket of every request) and Intl is slow. One map per zone, so a lookup builds no string; bounded.
 */
function zoneMemo<T>(compute: (timeZone: string, t: number) => T): (timeZone: string, t: number) => T {
  const zones = new Map<string, Map<number, T>>();
  let size = 0;
  return (timeZone, t) => {
    let zone = zones.get(timeZone);
    const known = zone?.get(t);
    if (known !== undefined) return known;
    if (size > 200_000) {
      zones.clear();
      size = 0;
      zone = undefined;
    }
    if (!zone) {
      zone = new Map();
      zones.set(timeZone, zone);
    }
    const value = compute(timeZone, t);
    zone.set(t, value);
    size += 1;
    return value;
  };
}

const zoneOffset = zoneMemo((timeZone, t) => computeOffset(timeZone, t));

/** Offset of the zone at instant t, in minutes east of UTC. Accepts IANA names and ±hh:mm. */
export function offsetMinutes(timeZone: string, t: number): number {
  const fixed = /^([+-])(\d{2}):(\d{2})$/.exec(timeZone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
  return zoneOffset(timeZone, t);
}

function computeOffset(timeZone: string, t: number): number {
  const p = parts(timeZone, t);
  const local = Date.UTC(
    p['year'] ?? 1970,
    (p['month'] ?? 1) - 1,
    p['day'] ?? 1,
    p['hour'] ?? 0,
    p['minute'] ?? 0,
    p['second'] ?? 0,
  );
  return Math.round((local - Math.floor(t / 1000) * 1000) / 60_000);
}

function offsetLabel(minutes: number): string {
  if (minutes === 0) return 'Z';
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** Label of the instant t (a bucket start) in the zone, as Elasticsearch formats bucket keys. */
export const localLabel = zoneMemo((timeZone: string, t: number): string => {
  const off = offsetMinutes(timeZone, t);
  return `${new Date(t + off * 60_000).toISOString().slice(0, 19)}${offsetLabel(off)}`;
});

const DAY = 24 * 3600_000;

/** Start (UTC instant) of the local calendar day, or ISO week (Monday), containing t. */
export function localPeriodStart(timeZone: string, t: number, period: 'day' | 'week'): number {
  const off = offsetMinutes(timeZone, t);
  let localMidnight = Math.floor((t + off * 60_000) / DAY) * DAY;
  if (period === 'week') localMidnight -= ((new Date(localMidnight).getUTCDay() + 6) % 7) * DAY;
  // The offset at midnight may differ from the offset at t (a DST change during the day).
  const guess = localMidnight - off * 60_000;
  return localMidnight - offsetMinutes(timeZone, guess) * 60_000;
}
