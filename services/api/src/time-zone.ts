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

// Offsets of whole hours are asked again and again (every bucket of every request): Intl is slow.
// One map of instants per zone, so a lookup builds no string.
const memo = new Map<string, Map<number, number>>();
let memoized = 0;

/** Offset of the zone at instant t, in minutes east of UTC. Accepts IANA names and ±hh:mm. */
export function offsetMinutes(timeZone: string, t: number): number {
  const fixed = /^([+-])(\d{2}):(\d{2})$/.exec(timeZone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
  let zone = memo.get(timeZone);
  const known = zone?.get(t);
  if (known !== undefined) return known;
  if (memoized > 200_000) {
    memo.clear();
    memoized = 0;
    zone = undefined;
  }
  if (!zone) {
    zone = new Map();
    memo.set(timeZone, zone);
  }
  const minutes = computeOffset(timeZone, t);
  zone.set(t, minutes);
  memoized += 1;
  return minutes;
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

const labels = new Map<string, Map<number, string>>();
let labelled = 0;

/** Label of the instant t (a bucket start) in the zone, as Elasticsearch formats bucket keys. */
export function localLabel(timeZone: string, t: number): string {
  // Memoised like offsets: an hourly answer labels hundreds of buckets, the same ones again and again.
  let zone = labels.get(timeZone);
  const known = zone?.get(t);
  if (known !== undefined) return known;
  if (labelled > 200_000) {
    labels.clear();
    labelled = 0;
    zone = undefined;
  }
  if (!zone) {
    zone = new Map();
    labels.set(timeZone, zone);
  }
  const off = offsetMinutes(timeZone, t);
  const label = `${new Date(t + off * 60_000).toISOString().slice(0, 19)}${offsetLabel(off)}`;
  zone.set(t, label);
  labelled += 1;
  return label;
}

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
