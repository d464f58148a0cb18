import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectedPostInput } from '@cw/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import { runDailyJob } from '../daily-job.ts';
import { loadPosts, post, TEST_SECRET, testDeliveries, testTarget } from '../test-fixtures.ts';
import { drainOutbox, enqueueDeliveries } from '../webhooks/deliveries.ts';
import type { TrendEvent } from '../webhooks/events.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../webhooks/receiver.ts';
import { evaluateTrends } from './evaluate-trends.ts';

const ctx = isolatedServers();
const TZ = 'Asia/Almaty'; // UTC+5
const DATE = '2026-11-05';
const HOUR = 3_600_000;
/** Local midnight starting day D-k, as UTC. */
const dayStart = (k: number) => Date.parse('2026-11-04T19:00:00.000Z') - k * 24 * HOUR;
/** Posts of the latest week (D-6 … D): 54 against an ordinary 28, growing day by day (the week
 * ending the day before, 46, is not yet significant). */
const RISING = [5, 6, 7, 7, 8, 9, 12];

function day(k: number, topic: 'grain_hoax' | 'water_cutoff' | undefined, count: number) {
  // Spread over the local day from 08:00, across the three channels.
  return Array.from({ length: count }, (_, i) =>
    post(new Date(dayStart(k) + (8 + (i % 12)) * HOUR + i * 60_000), {
      ...(topic ? { topic } : {}),
      channel: i % 3,
    }),
  );
}

let json: WebhookReceiver;
let slack: WebhookReceiver;

beforeAll(async () => {
  const posts: CollectedPostInput[] = [];
  for (let k = 34; k >= 0; k -= 1) {
    posts.push(...day(k, 'grain_hoax', k <= 6 ? (RISING[6 - k] ?? 0) : 4));
    posts.push(...day(k, 'water_cutoff', 4), ...day(k, undefined, 5));
  }
  // The day after: grain_hoax holds its new level (the week is still twice an ordinary one).
  posts.push(...day(-1, 'grain_hoax', 12));
  await loadPosts(ctx.es, ctx.prefix, posts);
  json = await startWebhookReceiver({ secret: TEST_SECRET });
  slack = await startWebhookReceiver({ secret: TEST_SECRET });
}, 120_000);

afterAll(async () => {
  await json?.close();
  await slack?.close();
});

describe('daily narrative.trend', () => {
  it('a narrative whose week nearly doubled raises one narrative.trend, delivered signed through the outbox; a flat one does not', async () => {
    const store = { redis: ctx.redis, prefix: ctx.prefix };
    const targets = [
      testTarget(json.url, { name: 'soc', kinds: ['alert'] }),
      testTarget(slack.url, { name: 'team', format: 'slack', kinds: ['alert'] }),
      testTarget(json.url, { name: 'digest-only', kinds: ['digest'] }),
    ];
    const notify = (id: string, event: TrendEvent) => enqueueDeliveries(store, targets, id, event);
    const run = () =>
      evaluateTrends({
        es: ctx.es,
        prefix: ctx.prefix,
        date: DATE,
        timeZone: TZ,
        titles: new Map([['grain_hoax', 'Grain export hoax']]),
        apiBaseUrl: 'https://cw.example.org',
        notify,
      });
    const result = await run();
    expect(result.reported.map((t) => t.narrative)).toEqual(['grain_hoax']);
    const water = result.verdicts.find((v) => v.narrative === 'water_cutoff');
    expect(water).toMatchObject({ fired: false, observed: 28, expected: 28 });
    expect(water?.blockedBy).toContain('minRatio');

    const deliveries = testDeliveries({ es: ctx.es, prefix: ctx.prefix, store }, targets);
    expect(await drainOutbox(deliveries, new Date())).toBe(2);
    expect(json.rejected).toEqual([]);
    expect(json.received.map((r) => r.id)).toEqual([`trend_grain_hoax_${DATE}`]);
    const event = json.received[0]?.payload as TrendEvent;
    expect(event.type).toBe('narrative.trend');
    expect(event.data).toMatchObject({
      id: `grain_hoax-${DATE}`,
      kind: 'narrative.trend',
      title: 'Grain export hoax',
      date: DATE,
      observed: 54,
      previousWeek: 28,
      expected: 28,
      // The seven local days D-6 … D, in UTC and in Almaty time.
      weekStart: '2026-10-29T19:00:00.000Z',
      weekEnd: '2026-11-05T19:00:00.000Z',
      local: { timeZone: TZ, weekStart: '2026-10-30 00:00 UTC+05:00', weekEnd: '2026-11-06 00:00 UTC+05:00' },
      distinctChannels: 3,
      postsQuery:
        'https://cw.example.org/v1/posts?narrative=grain_hoax&from=2026-10-29T19%3A00%3A00.000Z&to=2026-11-05T19%3A00%3A00.000Z',
    });
    expect(event.data.ratio).toBeCloseTo(54 / 28, 2);
    expect(event.data.daily.slice(-7).map((d) => d.count)).toEqual(RISING);
    expect(event.data.daily.at(-1)?.date).toBe(DATE);
    expect(event.data.topChannels.map((c) => c.username)).toContain('alpha_news');
    expect(event.data.topPosts[0]?.url).toMatch(/^https:\/\/t\.me\/\w+\/\d+$/);
    // The Slack target gets the same content as text, local time beside UTC, and the posts link.
    const text = (slack.received[0]?.payload as { text: string } | undefined)?.text ?? '';
    expect(text).toContain('Rising: Grain export hoax, ×1.9 an ordinary week');
    expect(text).toContain(
      '2026-10-30 00:00 UTC+05:00 – 2026-11-06 00:00 UTC+05:00 (Asia/Almaty; UTC 2026-10-29T19:00:00.000Z',
    );
    expect(text).toContain('<https://cw.example.org/v1/posts?narrative=grain_hoax');

    // The same day evaluated again (a retried job, `cw alerts trends --date`) is the same message:
    // nothing new is sent.
    const again = await run();
    expect(again.reported.map((t) => t.narrative)).toEqual(['grain_hoax']);
    expect(await drainOutbox(deliveries, new Date())).toBe(0);
    expect(json.requests).toBe(1);

    // The next day the week is still twice an ordinary one, but it was reported yesterday and has not
    // grown by half since: no message.
    const next = await evaluateTrends({
      es: ctx.es,
      prefix: ctx.prefix,
      date: '2026-11-06',
      timeZone: TZ,
      notify,
    });
    expect(next.reported).toEqual([]);
    expect(next.verdicts.find((v) => v.narrative === 'grain_hoax')).toMatchObject({
      fired: false,
      blockedBy: ['reported'],
      reportedDaysAgo: 1,
    });
    expect(await drainOutbox(deliveries, new Date())).toBe(0);
  });

  it('the daily job writes the digest and raises the trend of the same day, both into the outbox', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cw-daily-'));
    const sent: string[] = [];
    try {
      const { files, trends } = await runDailyJob({
        es: ctx.es,
        prefix: ctx.prefix,
        date: DATE,
        timeZone: TZ,
        dir,
        notify: async (id, event) => sent.push(`${id} ${event.type}`),
      });
      expect(files.html).toBe(join(dir, DATE, 'digest.html'));
      expect(trends.reported.map((t) => t.narrative)).toEqual(['grain_hoax']);
      expect(sent).toEqual([`digest_${DATE} digest.daily`, `trend_grain_hoax_${DATE} narrative.trend`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
