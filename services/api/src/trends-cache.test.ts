import type { TrendsParams } from '@cw/es';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { dataset, END, loadDataset, START } from './testing/load.ts';
import { createTrendsService } from './trends-cache.ts';

// The cached path must answer exactly what the uncached path (one date histogram per stretch of
// constant offset) answers, cold and warm, for every interval, time zone and filter it takes.

const ctx = isolatedServers();
beforeAll(async () => loadDataset(ctx.es, ctx.prefix, dataset()));

const H = 3600_000;
const iso = (t: number) => new Date(t).toISOString();
const cases: [string, TrendsParams][] = [
  ['hourly UTC, whole days', { from: START, to: END, interval: 'hour' }],
  [
    'hourly, minute-precision edges',
    {
      from: iso(Date.parse(START) + 5 * H + 17 * 60_000),
      to: iso(Date.parse(END) - 3 * H - 60_000),
      interval: 'hour',
      timeZone: 'Asia/Almaty',
    },
  ],
  [
    'inside one hour',
    {
      from: iso(Date.parse(START) + 5 * H + 10 * 60_000),
      to: iso(Date.parse(START) + 5 * H + 40 * 60_000),
      interval: 'hour',
    },
  ],
  ['daily Almaty', { from: START, to: END, interval: 'day', timeZone: 'Asia/Almaty' }],
  ['daily Kyiv (DST zone)', { from: START, to: END, interval: 'day', timeZone: 'Europe/Kyiv' }],
  [
    'weekly New York, narrative filter',
    {
      from: START,
      to: END,
      interval: 'week',
      timeZone: 'America/New_York',
      filters: { narratives: ['beta_claims'] },
    },
  ],
  [
    'lang split within a narrative, fixed offset',
    {
      from: START,
      to: END,
      interval: 'day',
      timeZone: '-03:00',
      split: 'lang',
      filters: { narratives: ['alpha_claims'], channels: ['chan_bravo', 'chan_delta'] },
    },
  ],
  ['half-hour zone goes direct', { from: START, to: END, interval: 'hour', timeZone: 'Asia/Kabul' }],
];

describe('cached trends', () => {
  const service = createTrendsService(ctx.es, ctx.prefix, {
    ttlMs: 60_000,
    now: () => new Date(Date.parse(END) + 7 * 24 * H),
  });
  const uncached = createTrendsService(ctx.es, ctx.prefix, { ttlMs: 0, now: () => new Date(END) });
  it.each(cases)('equal the uncached buckets, cold and warm: %s', async (_name, params) => {
    const direct = await uncached(params);
    expect(await service(params)).toEqual(direct);
    expect(await service(params)).toEqual(direct);
  });

  it('re-counts a cached day once its entry expires (a late post shows up after the time to live)', async () => {
    let now = Date.parse(END) + 7 * 24 * H;
    const short = createTrendsService(ctx.es, ctx.prefix, { ttlMs: 1000, now: () => new Date(now) });
    const params: TrendsParams = { from: START, to: END, interval: 'day' };
    const before = await short(params);
    await ctx.es.index({
      index: `${ctx.prefix}-posts-2026.03`,
      id: 'late_1',
      refresh: true,
      document: {
        id: 'late_1',
        postedAt: iso(Date.parse(START) + H),
        narratives: ['gamma_claims'],
        channel: { id: '-1' },
      },
    });
    expect((await short(params)).totals.posts).toBe(before.totals.posts);
    now += 2000;
    expect((await short(params)).totals.posts).toBe(before.totals.posts + 1);
    expect(await short(params)).toEqual(await uncached(params));
  });
});
