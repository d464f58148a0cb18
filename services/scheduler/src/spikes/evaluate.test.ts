import type { CollectedPostInput } from '@cw/domain';
import { indexNames } from '@cw/es';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import { loadPosts, post, spikeSettings, TEST_SECRET, testDeliveries, testTarget } from '../test-fixtures.ts';
import { drainOutbox, enqueueDeliveries } from '../webhooks/deliveries.ts';
import type { AlertEvent } from '../webhooks/events.ts';
import { startWebhookReceiver } from '../webhooks/receiver.ts';
import type { SpikeAlert } from './alert.ts';
import { evaluateSpikes } from './evaluate.ts';

const ctx = isolatedServers();
const HOUR = 3_600_000;
// Evaluation time pinned: 12:00 UTC on a past day (a post may not be dated in the future).
const NOW = new Date('2026-11-10T12:00:00.000Z');
const settings = spikeSettings();

beforeAll(async () => {
  const posts: CollectedPostInput[] = [];
  // 29 days of steady history: each hour 2 grain_hoax, 2 water_cutoff and 3 other posts.
  for (let h = 29 * 24; h >= 1; h -= 1) {
    const start = NOW.getTime() - (h + 1) * HOUR;
    for (let i = 0; i < 7; i += 1) {
      const at = new Date(start + (i + 1) * 7 * 60_000);
      posts.push(
        post(at, { topic: i < 2 ? 'grain_hoax' : i < 4 ? 'water_cutoff' : undefined, channel: i % 3 }),
      );
    }
  }
  // The latest hour: the usual posts, plus a grain_hoax spike of 24 posts across three channels.
  for (let i = 0; i < 7; i += 1) {
    const at = new Date(NOW.getTime() - HOUR + (i + 1) * 7 * 60_000);
    posts.push(
      post(at, { topic: i < 2 ? 'grain_hoax' : i < 4 ? 'water_cutoff' : undefined, channel: i % 3 }),
    );
  }
  for (let i = 0; i < 24; i += 1) {
    const at = new Date(NOW.getTime() - HOUR + 60_000 + i * 2 * 60_000);
    posts.push(
      post(at, { topic: 'grain_hoax', channel: i % 4 === 0 ? 1 : i % 5 === 0 ? 2 : 0, views: 1000 + i }),
    );
  }
  await loadPosts(ctx.es, ctx.prefix, posts);
}, 120_000);

describe('spike alerts', () => {
  it('a spike injected into indexed data raises exactly one alert, delivered once to a verifying receiver that failed twice', async () => {
    const receiver = await startWebhookReceiver({ secret: TEST_SECRET, failFirst: 2 });
    const targets = [testTarget(receiver.url, { kinds: ['alert'] })];
    const store = { redis: ctx.redis, prefix: ctx.prefix };
    const deliveries = testDeliveries({ es: ctx.es, prefix: ctx.prefix, store }, targets);
    const notify = (id: string, event: AlertEvent) => enqueueDeliveries(store, targets, id, event);
    try {
      const first = await evaluateSpikes({ es: ctx.es, prefix: ctx.prefix, now: NOW, settings, notify });
      expect(first.opened.map((a) => a.narrative)).toEqual(['grain_hoax']);
      const grain = first.verdicts.find((v) => v.narrative === 'grain_hoax');
      expect(grain?.observed).toBe(26);
      expect(grain?.expected).toBeCloseTo(2, 0);
      expect(first.verdicts.find((v) => v.narrative === 'water_cutoff')?.fired).toBe(false);

      // Later runs while the spike lasts update the same alert instead of raising new ones.
      const second = await evaluateSpikes({
        es: ctx.es,
        prefix: ctx.prefix,
        now: new Date(NOW.getTime() + 5 * 60_000),
        settings,
        notify,
      });
      expect(second.opened).toEqual([]);
      // Windows are aligned on the evaluation time, not on the hour: 11:05–12:05 holds 22 spike
      // posts (from 11:05) and 2 regular ones (11:07, 11:14).
      expect(second.verdicts.find((v) => v.narrative === 'grain_hoax')?.observed).toBe(24);
      const third = await evaluateSpikes({
        es: ctx.es,
        prefix: ctx.prefix,
        now: new Date(NOW.getTime() + 10 * 60_000),
        settings,
        notify,
      });
      expect(third.opened).toEqual([]);
      // 11:10–12:10: 19 spike posts (from 11:11) and 1 regular one (11:14).
      expect(third.verdicts.find((v) => v.narrative === 'grain_hoax')?.observed).toBe(20);
      expect(third.updated.map((a) => a.revision)).toEqual([1]);

      await ctx.es.indices.refresh({ index: indexNames(ctx.prefix).alerts });
      const stored = await ctx.es.search<SpikeAlert>({
        index: indexNames(ctx.prefix).alerts,
        query: { match_all: {} },
      });
      expect(stored.hits.hits).toHaveLength(1);
      const alert = stored.hits.hits[0]?._source;
      expect(alert).toMatchObject({
        narrative: 'grain_hoax',
        status: 'open',
        observed: expect.any(Number),
        revision: 1,
      });
      expect(alert?.topChannels[0]).toMatchObject({ id: '-1001000000001', username: 'alpha_news' });
      expect(alert?.topPosts[0]?.url).toMatch(/^https:\/\/t\.me\/\w+\/\d+$/);
      expect(alert?.topPosts[0]?.views).toBe(1023);
      expect(alert?.evidence[0]).toMatchObject({ group: 'topic', term: 'grainhoax' });
      expect(alert?.expected).toBeGreaterThan(1);
      expect(alert?.score).toBeGreaterThan(4);

      // The scheduler's drain, driven: two refusals, then the delivery; later drains send nothing.
      for (let i = 0; i < 6; i += 1) await drainOutbox(deliveries, new Date(Date.now() + i * 1000));
      expect(receiver.requests).toBe(3);
      expect(receiver.rejected).toEqual([]);
      expect(receiver.received).toHaveLength(1);
      const event = receiver.received[0]?.payload as AlertEvent;
      expect(event.type).toBe('alert.opened');
      expect(event.data.id).toBe(alert?.id);
    } finally {
      await receiver.close();
    }
  });

  it('resolves the alert once the narrative is back to normal', async () => {
    const later = new Date(NOW.getTime() + 2 * HOUR);
    const quiet = await evaluateSpikes({ es: ctx.es, prefix: ctx.prefix, now: later, settings });
    expect(quiet.resolved).toHaveLength(1);
    expect(quiet.opened).toEqual([]);
  });
});
