import { installIndices } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { rng } from './testing/dataset.ts';
import { auth, testApp } from './testing/load.ts';

// Trends buckets for every zone Intl knows, each around one of its offset changes (its first of
// 2026, or a day of 2026 when it has none; Asia/Almaty around its move from +06 to +05 in 2024),
// checked against buckets computed here post by post with Intl. Elasticsearch's own tz data is
// older than Node's (it knew neither that move nor America/Coyhaique), so this is what fails when
// the API hands it zone names.

const ctx = isolatedServers();
const H = 3600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Local date, hour and offset label of instant t in the zone, straight from Intl. */
function local(tz: string, t: number) {
  const fixed = /^([+-])(\d{2}):(\d{2})$/.exec(tz);
  if (fixed) {
    const offset = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
    const wall = new Date(t + offset * 60_000).toISOString();
    return { date: wall.slice(0, 10), hour: wall.slice(11, 13), offset, label: tz };
  }
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(t)) p[part.type] = part.value;
  const wall = Date.UTC(
    Number(p['year']),
    Number(p['month']) - 1,
    Number(p['day']),
    Number(p['hour']),
    Number(p['minute']),
    Number(p['second']),
  );
  const offset = Math.round((wall - Math.floor(t / 1000) * 1000) / 60_000);
  const a = Math.abs(offset);
  const label =
    offset === 0
      ? 'Z'
      : `${offset < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  return { date: `${p['year']}-${p['month']}-${p['day']}`, hour: p['hour'] ?? '', offset, label };
}

/** The zone's first offset change in [from, to), to the second, or undefined. */
function firstChange(tz: string, from: number, to: number): number | undefined {
  for (let t = from; t < to; t += 6 * H) {
    const before = local(tz, t).offset;
    if (local(tz, t + 6 * H).offset === before) continue;
    let lo = t;
    let hi = t + 6 * H;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (local(tz, mid).offset === before) lo = mid;
      else hi = mid;
    }
    return hi;
  }
  return undefined;
}

const YEAR = Date.UTC(2026, 0, 1);
const QUIET = Date.UTC(2026, 5, 15, 12);
const zones = [
  ...new Set(['UTC', ...Intl.supportedValuesOf('timeZone'), 'utc', 'asia/almaty', 'EST', '+05:45', '-09:30']),
];
const anchors = new Map<string, number>(
  zones.map((tz) => [
    tz,
    tz.toLowerCase() === 'asia/almaty'
      ? (firstChange(tz, Date.UTC(2024, 1, 28), Date.UTC(2024, 2, 3)) ?? QUIET)
      : /^[+-]/.test(tz)
        ? QUIET
        : (firstChange(tz, YEAR, YEAR + 365 * 24 * H) ?? QUIET),
  ]),
);

/** Posts every 5–15 minutes for 36 hours each side of every anchor, and at the change itself ±1 ms. */
function postTimes(): number[] {
  const random = rng(17);
  const times = new Set<number>();
  for (const anchor of new Set(anchors.values())) {
    for (let t = anchor - 36 * H; t < anchor + 36 * H; t += Math.floor(5 * 60_000 + random() * 10 * 60_000)) {
      times.add(t);
    }
    for (const d of [-1, 0, 1]) times.add(anchor + d);
  }
  return [...times].sort((a, b) => a - b);
}

const times = postTimes();
const narrativeOf = (i: number) => (i % 3 === 0 ? ['alpha_claims'] : []);

let cached: FastifyInstance;
let uncached: FastifyInstance;

beforeAll(async () => {
  await installIndices(ctx.es, ctx.prefix);
  const operations = times.flatMap((t, i) => {
    const postedAt = new Date(t).toISOString();
    const id = `-100${i}_${i}`;
    return [
      { index: { _index: `${ctx.prefix}-posts-${postedAt.slice(0, 7).replace('-', '.')}`, _id: id } },
      { id, postedAt, channel: { id: '-100' }, lang: 'ru', narratives: narrativeOf(i) },
    ];
  });
  for (let i = 0; i < operations.length; i += 10_000) {
    const bulk = await ctx.es.bulk({ operations: operations.slice(i, i + 10_000) });
    expect(bulk.errors).toBe(false);
  }
  await ctx.es.indices.refresh({ index: `${ctx.prefix}-*` });
  const later = {
    now: () => new Date(Date.UTC(2027, 0, 1)),
    limits: { maxRangeDays: 1000, maxBuckets: 2200 },
  };
  cached = await testApp(ctx.es, ctx.prefix, { ...later, trendsCacheSeconds: 600 });
  uncached = await testApp(ctx.es, ctx.prefix, { ...later, trendsCacheSeconds: 0 });
}, 300_000);
afterAll(async () => {
  await cached?.close();
  await uncached?.close();
});

type Trends = {
  timeZone: string;
  buckets: { start: string; total: number; counts: Record<string, number> }[];
};

/** Expected buckets: key → [posts, alpha_claims posts], from each post's local time. */
function expected(tz: string, from: number, to: number, interval: 'hour' | 'day') {
  const out = new Map<string, [number, number]>();
  times.forEach((t, i) => {
    if (t < from || t >= to) return;
    const l = local(tz, t);
    const key = interval === 'hour' ? `${l.date}T${l.hour}${l.label}` : l.date;
    const row = out.get(key) ?? [0, 0];
    row[0] += 1;
    row[1] += narrativeOf(i).length;
    out.set(key, row);
  });
  return out;
}

function answered(body: Trends, interval: 'hour' | 'day') {
  const out = new Map<string, [number, number]>();
  for (const b of body.buckets) {
    const key = interval === 'hour' ? `${b.start.slice(0, 13)}${b.start.slice(19)}` : b.start.slice(0, 10);
    expect(out.has(key), `bucket ${key} twice`).toBe(false);
    if (b.total > 0) out.set(key, [b.total, b.counts['alpha_claims'] ?? 0]);
  }
  return out;
}

describe('trends in every time zone Intl knows, across an offset change', () => {
  it.each([
    ['hour', 'cached'],
    ['day', 'cached'],
    ['hour', 'uncached'],
    ['day', 'uncached'],
  ] as const)(
    '%s buckets (%s path) equal the buckets computed post by post',
    async (interval, path) => {
      const app = path === 'cached' ? cached : uncached;
      const wrong: string[] = [];
      for (const tz of zones) {
        const anchor = anchors.get(tz) as number;
        const from = anchor - 30 * H;
        const to = anchor + 30 * H;
        const url = `/v1/trends?interval=${interval}&tz=${encodeURIComponent(tz)}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
        const res = await app.inject({ url, headers: auth });
        if (res.statusCode !== 200) {
          wrong.push(`${tz}: ${res.statusCode} ${res.body.slice(0, 200)}`);
          continue;
        }
        const body = res.json() as Trends;
        const canonical = /^[+-]/.test(tz)
          ? tz
          : new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
        if (body.timeZone !== canonical) wrong.push(`${tz}: answered as ${body.timeZone}, not ${canonical}`);
        const want = expected(canonical, from, to, interval);
        const got = answered(body, interval);
        const keys = new Set([...want.keys(), ...got.keys()]);
        const diff = [...keys].filter((k) => String(want.get(k)) !== String(got.get(k)));
        if (diff.length > 0) {
          wrong.push(
            `${tz}: ${diff
              .slice(0, 3)
              .map((k) => `${k} expected ${want.get(k) ?? 'none'} got ${got.get(k) ?? 'none'}`)
              .join('; ')}`,
          );
        }
      }
      expect(wrong).toEqual([]);
    },
    240_000,
  );

  it('covers the zones that matter here and the odd ones', () => {
    expect(zones.length).toBeGreaterThan(400);
    // Almaty's anchor is its 2024 move; a zone with a 30-minute change (Lord Howe) is in the list.
    expect(new Date(anchors.get('Asia/Almaty') as number).toISOString()).toBe('2024-02-29T18:00:00.000Z');
    expect(zones).toContain('Australia/Lord_Howe');
  });
});
