import type { CollectedPostInput } from '@cw/domain';
import { indexNames } from '@cw/es';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import { loadPosts, post, spikeSettings } from '../test-fixtures.ts';
import type { SpikeAlert } from './alert.ts';
import type { SpikeVerdict } from './detector.ts';
import { evaluateSpikes } from './evaluate.ts';

const ctx = isolatedServers();
const HOUR = 3_600_000;
const START = Date.parse('2026-09-01T00:00:00.000Z');
const DAYS = 30;
const settings = spikeSettings();
const RISE_START = 14 * 24 + 2;

/** A quiet month with a few bursts: grain_hoax twice (one lasting three hours), water_cutoff once,
 * and a lasting rise no hour of which is a spike by itself: water_cutoff at two posts an hour for
 * eight hours (against one every third hour), which only the CUSUM sees. */
function month(): CollectedPostInput[] {
  const posts: CollectedPostInput[] = [];
  let k = 0;
  for (let h = 0; h < DAYS * 24; h += 1) {
    const at = (minute: number) => new Date(START + h * HOUR + minute * 60_000);
    // Two ordinary posts an hour, grain_hoax every other hour, water_cutoff every third.
    posts.push(post(at(7), { channel: h % 3 }), post(at(37), { channel: (h + 1) % 3 }));
    if (h % 2 === 0) posts.push(post(at(13 + (h % 40)), { topic: 'grain_hoax', channel: h % 3 }));
    if (h % 3 === 0) posts.push(post(at(21), { topic: 'water_cutoff', channel: (h + 2) % 3 }));
    const burst =
      h === 9 * 24 + 14 || (h >= 19 * 24 + 3 && h < 19 * 24 + 6)
        ? 'grain_hoax'
        : h === 24 * 24 + 10
          ? 'water_cutoff'
          : undefined;
    if (burst)
      for (let i = 0; i < 18; i += 1) posts.push(post(at(2 + 3 * i), { topic: burst, channel: k++ % 3 }));
    if (h >= RISE_START && h < RISE_START + 8)
      posts.push(
        post(at(41), { topic: 'water_cutoff', channel: h % 3 }),
        post(at(51), { topic: 'water_cutoff', channel: (h + 1) % 3 }),
      );
  }
  return posts;
}

async function storedAlerts(): Promise<SpikeAlert[]> {
  await ctx.es.indices.refresh({ index: indexNames(ctx.prefix).alerts });
  const res = await ctx.es.search<SpikeAlert>({
    index: indexNames(ctx.prefix).alerts,
    size: 100,
    query: { match_all: {} },
    sort: [{ id: 'asc' }],
  });
  return res.hits.hits.map((h) => h._source!);
}

/** What the detector said of water_cutoff at each hour of its lasting rise and the day after. */
type Verdicts = Map<
  number,
  Pick<SpikeVerdict, 'fired' | 'method' | 'observed' | 'expected' | 'windows' | 'statistic'>
>;

async function sweep(hours: number[], sent: string[], verdicts: Verdicts = new Map()) {
  const changes: string[] = [];
  for (const h of hours) {
    const result = await evaluateSpikes({
      es: ctx.es,
      prefix: ctx.prefix,
      now: new Date(START + h * HOUR),
      settings,
      notify: async (id) => sent.push(id),
    });
    const v = result.verdicts.find((x) => x.narrative === 'water_cutoff');
    if (v && h >= RISE_START && h < RISE_START + 24) {
      const { fired, method, observed, expected, windows, statistic } = v;
      verdicts.set(h, { fired, method, observed, expected, windows, statistic });
    }
    for (const a of result.opened) changes.push(`${h} opened ${a.id}`);
    for (const a of result.updated) changes.push(`${h} updated ${a.id}`);
    for (const id of result.resolved) changes.push(`${h} resolved ${id}`);
  }
  return changes;
}

beforeAll(async () => {
  await loadPosts(ctx.es, ctx.prefix, month());
}, 120_000);

describe('replays of past times (cw alerts check --at)', () => {
  it('sweeping the month hour by hour again, and any past hour after, leaves every alert as the single pass wrote it', async () => {
    const hours = Array.from({ length: DAYS * 24 - 1 }, (_, i) => i + 1);
    const sentFirst: string[] = [];
    const verdictsFirst: Verdicts = new Map();
    const first = await sweep(hours, sentFirst, verdictsFirst);
    const afterFirst = await storedAlerts();
    // The single pass saw the three bursts and the lasting rise, grew them (over longer windows too) and resolved each.
    expect(afterFirst.map((a) => [a.id, a.status])).toEqual([
      ['grain_hoax-20260910T150000Z', 'resolved'],
      ['grain_hoax-20260920T040000Z', 'resolved'],
      // The lasting rise from 02:00, two hours in, through the CUSUM (three with the same-time
      // baseline it had before the profile one).
      ['water_cutoff-20260915T040000Z', 'resolved'],
      ['water_cutoff-20260925T110000Z', 'resolved'],
    ]);
    expect(first.filter((c) => c.includes('updated')).length).toBeGreaterThan(0);
    // Every alert told receivers it was over (one reopened within its cool-down and ended twice).
    const resolvedIds = sentFirst
      .filter((id) => id.includes('_resolved_'))
      .map((id) => id.split('_resolved_')[0]);
    expect(new Set(resolvedIds)).toEqual(new Set(afterFirst.map((a) => `alert_${a.id}`)));

    // The whole month again, then hours inside and right after each alert, in reverse.
    const sentAgain: string[] = [];
    const verdictsAgain: Verdicts = new Map();
    expect(await sweep(hours, sentAgain, verdictsAgain)).toEqual([]);
    // The CUSUM fired on the lasting rise and decided the same at every hour both times.
    const cusumAlert = afterFirst.find((a) => a.narrative === 'water_cutoff' && a.windowMinutes !== 60);
    expect(cusumAlert?.baseline).toMatch(/CUSUM/);
    expect([...verdictsFirst.values()].some((v) => v.fired && v.method === 'cusum')).toBe(true);
    expect(verdictsAgain).toEqual(verdictsFirst);
    // And an hour of it evaluated alone, after everything, is what the sweep saw then.
    const firing = [...verdictsFirst.entries()].find(([, v]) => v.fired && v.method === 'cusum');
    const verdictsAlone: Verdicts = new Map();
    if (firing) expect(await sweep([firing[0]], sentAgain, verdictsAlone)).toEqual([]);
    expect(verdictsAlone.get(firing?.[0] ?? -1)).toEqual(firing?.[1]);
    const inside = [
      9 * 24 + 15,
      9 * 24 + 16,
      19 * 24 + 4,
      19 * 24 + 5,
      19 * 24 + 7,
      24 * 24 + 11,
      24 * 24 + 12,
    ];
    expect(await sweep(inside.reverse(), sentAgain)).toEqual([]);
    expect(sentAgain).toEqual([]);
    expect(await storedAlerts()).toEqual(afterFirst);
  }, 300_000);
});
