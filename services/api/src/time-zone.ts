import { zoneOffsetMs } from '@cw/domain';

// Time zones as Node's ICU knows them, independent of Elasticsearch's JVM tz data (which may be
// older: Kazakhstan moved to +05 in 2024, America/Coyhaique is from 2025). A zone is cut into
// stretches of constant offset; Elasticsearch only ever gets fixed offsets, and bucket starts and
// labels are computed here.

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const STEP = 12 * HOUR;

export type Stretch = { from: number; to: number; offset: number };
export type Period = 'hour' | 'day' | 'week';

const FIXED = /^([+-])(\d{2}):(\d{2})$/;

const resolved = new Map<string, string | undefined>();

/** The zone's canonical name as Intl reports it (`utc` → UTC, `asia/almaty` → Asia/Almaty), or undefined. */
export function canonicalTimeZone(tz: string): string | undefined {
  const fixed = FIXED.exec(tz);
  if (fixed) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3]);
    return minutes <= 14 * 60 && Number(fixed[3]) < 60 ? tz : undefined;
  }
  if (resolved.has(tz)) return resolved.get(tz);
  let name: string | undefined;
  if (/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(tz) && tz.length <= 64) {
    try {
      name = new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
    } catch {
      name = undefined;
    }
  }
  if (resolved.size < 5000) resolved.set(tz, name);
  return name;
}

/** Every zone name the API offers in its document: Intl's list, plus UTC (which Node 20 leaves out). */
export function knownTimeZones(): string[] {
  return [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])].sort();
}

/** Offset of an IANA zone at instant t, in minutes east of UTC. */
function intlOffset(timeZone: string, t: number): number {
  return Math.round(zoneOffsetMs(timeZone, t) / 60_000);
}

/** Transitions of one zone-year (instant, offset after), found by 12-hour steps and bisection. */
const years = new Map<string, { at: number; offset: number }[]>();

function transitionsOfYear(timeZone: string, year: number): { at: number; offset: number }[] {
  const key = `${timeZone}|${year}`;
  const known = years.get(key);
  if (known) return known;
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const found: { at: number; offset: number }[] = [];
  let t = start;
  let offset = intlOffset(timeZone, t);
  while (t < end) {
    const next = Math.min(t + STEP, end);
    const after = intlOffset(timeZone, next);
    if (after !== offset) {
      // Offsets change on whole seconds: bisect to the second.
      let lo = t;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (intlOffset(timeZone, mid) === offset) lo = mid;
        else hi = mid;
      }
      found.push({ at: hi, offset: after });
    }
    t = next;
    offset = after;
  }
  if (years.size > 20_000) years.clear();
  years.set(key, found);
  return found;
}

/** Stretches of constant offset covering [from, to) (the first may start before, the last end after). */
export function stretches(timeZone: string, from: number, to: number): Stretch[] {
  const fixed = FIXED.exec(timeZone);
  if (fixed) {
    const offset = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
    return [{ from: -8.64e15, to: 8.64e15, offset }];
  }
  const first = new Date(from).getUTCFullYear();
  const last = new Date(to).getUTCFullYear();
  const out: Stretch[] = [];
  let begin = Date.UTC(first, 0, 1);
  let offset = intlOffset(timeZone, begin);
  for (let year = first; year <= last; year++) {
    for (const change of transitionsOfYear(timeZone, year)) {
      if (change.at >= to) break;
      if (change.at > from) out.push({ from: begin, to: change.at, offset });
      begin = change.at;
      offset = change.offset;
    }
  }
  out.push({ from: begin, to: Date.UTC(last + 1, 0, 1), offset });
  return out;
}

const labels = new Map<number, Map<number, string>>();
let labelCount = 0;

/** A zone's offsets over a window, with bucket starts and labels computed from them. */
export class ZoneWindow {
  readonly stretches: Stretch[];

  constructor(
    readonly timeZone: string,
    from: number,
    to: number,
  ) {
    // A week bucket may start up to 7 days before `from`.
    this.stretches = stretches(timeZone, from - 8 * DAY, to + DAY);
  }

  private stretchAt(t: number): Stretch {
    const list = this.stretches;
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((list[mid] as Stretch).from <= t) lo = mid;
      else hi = mid - 1;
    }
    return list[lo] as Stretch;
  }

  offset(t: number): number {
    return this.stretchAt(t).offset;
  }

  /**
   * Start of the local hour, day or ISO week (Monday) holding t: the first instant of it. When a
   * transition falls inside a day or week, its first instant may lie in an earlier stretch; a period
   * whose local start was skipped (a midnight that never happened) starts at the transition. An
   * hour cut by a change of 30 minutes is cut into two buckets, each labelled with its own offset.
   */
  bucketStart(t: number, period: Period): number {
    let s = this.stretchAt(t);
    const unit = period === 'hour' ? HOUR : DAY;
    const localT = t + s.offset * 60_000;
    let localStart = Math.floor(localT / unit) * unit;
    if (period === 'week') localStart -= ((new Date(localStart).getUTCDay() + 6) % 7) * DAY;
    for (;;) {
      const candidate = localStart - s.offset * 60_000;
      if (candidate >= s.from) return candidate;
      // A local hour met twice (a change by 30 minutes) is two buckets, one per offset.
      if (period === 'hour') return s.from;
      const previous = this.stretchAt(s.from - 1);
      // Does the period still run in the previous stretch? Its last instant, in local time:
      if (previous === s || s.from - 1 + previous.offset * 60_000 < localStart) return s.from;
      s = previous;
    }
  }

  /** The instant as Elasticsearch formats bucket keys: 2026-03-01T00:00:00+05:00 (Z for UTC). */
  label(t: number): string {
    const off = this.offset(t);
    // The same few thousand hourly labels are asked by request after request (the service's CPU
    // profile showed them): kept per offset and instant, bounded.
    let byInstant = labels.get(off);
    const known = byInstant?.get(t);
    if (known !== undefined) return known;
    const label = `${new Date(t + off * 60_000).toISOString().slice(0, 19)}${offsetLabel(off)}`;
    if (++labelCount > 200_000) {
      labels.clear();
      labelCount = 1;
      byInstant = undefined;
    }
    if (!byInstant) {
      byInstant = new Map();
      labels.set(off, byInstant);
    }
    byInstant.set(t, label);
    return label;
  }
}

export function offsetLabel(minutes: number): string {
  if (minutes === 0) return 'Z';
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** A fixed offset as Elasticsearch's `time_zone` takes it. */
export function fixedOffset(minutes: number): string {
  return minutes === 0 ? '+00:00' : offsetLabel(minutes);
}
