import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CollectedPostInput } from '@cw/domain';
import { indexNames } from '@cw/es';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../../../tests/support/chromium.ts';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import type { SpikeAlert } from '../spikes/alert.ts';
import { loadPosts, post } from '../test-fixtures.ts';
import { buildDigest } from './build-digest.ts';
import { previousDay } from './digest-day.ts';
import type { Digest } from './digest-types.ts';
import { renderDigest } from './render-digest.ts';
import { runDigest } from './run-digest.ts';

const ctx = isolatedServers();
// The phone-width screenshot, for a person to look at: CW_SCREENSHOTS_DIR or .cache.
const SHOTS = resolve(
  fileURLToPath(new URL('../../../../', import.meta.url)),
  process.env['CW_SCREENSHOTS_DIR'] ?? '.cache/digest-screenshots',
);
const TZ = 'Asia/Almaty'; // UTC+5
const DATE = '2026-11-05';
const HOUR = 3_600_000;
/** Local midnight starting day D-k, as UTC. */
const dayStart = (k: number) => Date.parse('2026-11-04T19:00:00.000Z') - k * 24 * HOUR;
const at = (k: number, localHour: number, minute = 0) =>
  new Date(dayStart(k) + localHour * HOUR + minute * 60_000);
const CLUSTER_TEXT = 'Breaking: grainhoax shipment confirmed by insiders, share this before they delete it';
const FORWARDED_TEXT = 'Official statement of the ministry on the harvest figures for the northern regions';
const TWO_CHANNEL_TEXT = 'Weekend traffic closures announced for the central bridge and the river embankment';
const LONG_LINK_TEXT = `grainhoax proof at https://example.org/${'evidence-'.repeat(16)}end`;

let digest: Digest;
let dir: string;

beforeAll(async () => {
  const posts: CollectedPostInput[] = [];
  const water = [2, 0, 2, 0, 2, 0, 2]; // days D-7 … D-1
  for (let k = 7; k >= 1; k -= 1) {
    for (let i = 0; i < 3; i += 1) posts.push(post(at(k, 9 + i), { topic: 'grain_hoax', channel: i }));
    for (let i = 0; i < (water[7 - k] ?? 0); i += 1)
      posts.push(post(at(k, 14 + i), { topic: 'water_cutoff', channel: 2 }));
    for (let i = 0; i < 5; i += 1) posts.push(post(at(k, 10 + i, 30), { channel: i % 3 }));
  }
  // Just before local midnight of D-1 (still D-1) and just after (already D, though UTC says D-1).
  posts.push(post(at(1, 23, 50), { channel: 0 }));
  posts.push(post(at(0, 0, 30), { topic: 'grain_hoax', channel: 0 }));
  // Day D: 8 more regular grain_hoax posts, one of them widely viewed, 3 copy-paste posts in three
  // channels, 1 water_cutoff, 5 other posts, and 4 forwards.
  // Three of them forwarded by readers (one carrying a long unbroken link, which must wrap on a phone).
  const grainChannels = [0, 0, 0, 0, 0, 1, 1, 1];
  grainChannels.forEach((channel, i) => {
    posts.push(
      post(at(0, 8 + i), {
        topic: 'grain_hoax',
        channel,
        ...(i === 2 ? { views: 99_999 } : {}),
        ...(i === 1 ? { forwards: 120 } : {}),
        ...(i === 7 ? { forwards: 500, text: LONG_LINK_TEXT } : {}),
      }),
    );
  });
  for (let c = 0; c < 3; c += 1)
    posts.push(
      post(at(0, 17, c * 5), {
        topic: 'grain_hoax',
        channel: c,
        text: CLUSTER_TEXT,
        ...(c === 2 ? { forwards: 30 } : {}),
      }),
    );
  posts.push(post(at(0, 12), { topic: 'water_cutoff', channel: 2 }));
  for (let i = 0; i < 5; i += 1) posts.push(post(at(0, 13 + i, 10), { channel: i % 3 }));
  posts.push(post(at(3, 12), { channel: 1, forwardFrom: 'old_source' }));
  posts.push(post(at(0, 15), { channel: 1, forwardFrom: 'fresh_source' }));
  posts.push(post(at(0, 16), { channel: 2, forwardFrom: 'fresh_source' }));
  posts.push(post(at(0, 16, 30), { channel: 2, forwardFrom: 'old_source' }));
  posts.push(post(at(0, 18), { channel: 2, forwardFrom: 'alpha_news' }));
  // Not campaigns: one text forwarded into three channels, and one copied into only two.
  for (let c = 0; c < 3; c += 1)
    posts.push(post(at(0, 19, c * 5), { channel: c, forwardFrom: 'alpha_news', text: FORWARDED_TEXT }));
  for (let c = 0; c < 2; c += 1) posts.push(post(at(0, 20, c * 5), { channel: c, text: TWO_CHANNEL_TEXT }));
  await loadPosts(ctx.es, ctx.prefix, posts);

  const alert: Partial<SpikeAlert> = {
    id: 'grain_hoax-20261105T0900Z',
    narrative: 'grain_hoax',
    status: 'resolved',
    windowStart: '2026-11-05T08:00:00.000Z',
    windowEnd: '2026-11-05T09:00:00.000Z',
    firstSeenAt: '2026-11-05T09:00:00.000Z',
    updatedAt: '2026-11-05T10:00:00.000Z',
    lastFiredAt: '2026-11-05T09:00:00.000Z',
    observed: 9,
    peakObserved: 9,
    expected: 0.5,
    score: 6,
    ratio: 18,
    topChannels: [],
    topPosts: [],
    evidence: [],
  };
  await ctx.es.index({ index: indexNames(ctx.prefix).alerts, id: alert.id, document: alert, refresh: true });
  digest = await buildDigest({
    es: ctx.es,
    prefix: ctx.prefix,
    date: DATE,
    timeZone: TZ,
    now: new Date('2026-11-06T03:00:00Z'),
  });
  dir = await mkdtemp(join(tmpdir(), 'cw-digest-'));
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('daily digest', () => {
  it('has the counts the data implies, by local day in the digest time zone', () => {
    expect(digest.from).toBe('2026-11-04T19:00:00.000Z');
    expect(digest.totalPosts).toBe(1 + 8 + 3 + 1 + 5 + 4 + 5);
    expect(digest.taggedPosts).toBe(13);
    const grain = digest.narratives.find((n) => n.narrative === 'grain_hoax');
    expect(grain).toMatchObject({ count: 12, average7d: 3, ratio: 4 });
    expect(grain?.daily.map((d) => d.count)).toEqual([3, 3, 3, 3, 3, 3, 12]);
    expect(grain?.daily.map((d) => d.date)).toEqual([
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
      '2026-11-04',
      '2026-11-05',
    ]);
    const water = digest.narratives.find((n) => n.narrative === 'water_cutoff');
    expect(water?.count).toBe(1);
    expect(water?.average7d).toBeCloseTo(8 / 7, 5);
  });

  it('lists top channels, top posts, new forward sources, copy-paste clusters and the alerts of the day', () => {
    expect(digest.topChannels.map((c) => [c.username, c.posts])).toEqual([
      ['alpha_news', 7],
      ['beta_daily', 4],
      ['gamma_feed', 2],
    ]);
    expect(digest.topPosts[0]).toMatchObject({ views: 99_999, narratives: ['grain_hoax'] });
    expect(digest.topPosts[0]?.url).toMatch(/^https:\/\/t\.me\/alpha_news\/\d+$/);
    expect(digest.newForwardSources).toEqual([
      { source: 'fresh_source', posts: 2, firstSeen: at(0, 15).toISOString() },
    ]);
    expect(digest.clusters).toHaveLength(1);
    expect(digest.clusters[0]).toMatchObject({ posts: 3, text: CLUSTER_TEXT });
    expect(digest.clusters[0]?.channels).toHaveLength(3);
    expect(digest.alerts.map((a) => [a.narrative, a.observed])).toEqual([['grain_hoax', 9]]);
  });

  it('lists the most forwarded posts of the day with their channel and time, most forwards first', () => {
    expect(digest.mostForwarded.map((p) => [p.channel, p.forwards])).toEqual([
      ['@beta_daily', 500],
      ['@alpha_news', 120],
      ['@gamma_feed', 30],
    ]);
    expect(digest.mostForwarded[0]?.postedAt).toBe(at(0, 15).toISOString());
    expect(digest.mostForwarded[0]?.url).toMatch(/^https:\/\/t\.me\/beta_daily\/\d+$/);
  });

  it('shows times in the digest time zone beside UTC, and short link text, never a full URL', () => {
    const { markdown, html } = renderDigest(digest);
    const top = digest.mostForwarded[0];
    const id = top?.url.split('/').pop();
    // 15:00 in Almaty is 10:00 UTC.
    expect(markdown).toContain(`| [post ${id}](${top?.url}) | @beta_daily | 15:00 (11-05 10:00 UTC) | 500 |`);
    expect(markdown).toContain('on 2026-11-05 in Asia/Almaty (UTC 2026-11-04 19:00 – 2026-11-05 19:00)');
    // The alert window 08:00–09:00 UTC is 13:00–14:00 in Almaty; a forward source first seen at 15:00.
    expect(markdown).toContain('| grain_hoax | 13:00–14:00 (11-05 08:00–09:00 UTC) | 9 |');
    expect(markdown).toContain('| fresh_source | 2 | 15:00 (11-05 10:00 UTC) |');
    for (const [, text] of markdown.matchAll(/\[([^\]]*)\]\(https?:/g)) expect(text).toMatch(/^post \d+$/);
    for (const [, text] of html.matchAll(/<a [^>]*>([^<]*)<\/a>/g)) expect(text).toMatch(/^post \d+$/);
  });

  it('renders Markdown with the tables and the chart next to it', () => {
    const { markdown, chartSvg } = renderDigest(digest);
    expect(markdown).toContain('| grain_hoax | 12 | 3 | ×4.00 |');
    expect(markdown).toContain('![Posts per narrative, last 7 days](chart.svg)');
    expect(chartSvg.startsWith('<svg')).toBe(true);
    expect(chartSvg).toContain('grain_hoax');
  });

  it('writes md, html, json and the chart to the folder, and hands the summary to the webhooks', async () => {
    const sent: string[] = [];
    const { files } = await runDigest({
      es: ctx.es,
      prefix: ctx.prefix,
      date: DATE,
      timeZone: TZ,
      dir,
      notify: async (id, event) => sent.push(`${id} ${event.data.totalPosts}`),
    });
    for (const file of Object.values(files)) expect(existsSync(file), file).toBe(true);
    expect(JSON.parse(await readFile(files.json, 'utf8')).totalPosts).toBe(27);
    expect(sent).toEqual(['digest_2026-11-05 27']);
  });

  it('renders the HTML digest in headless Chromium with the chart and the tables', async () => {
    const browser = await chromium.launch(chromiumLaunchOptions());
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('data:')) requests.push(r.url());
      });
      await page.setContent(renderDigest(digest).html, { waitUntil: 'load' });
      // The callbacks run in the page; the repository compiles without DOM types, hence the casts.
      type Img = { complete: boolean; naturalWidth: number; naturalHeight: number };
      type Doc = {
        querySelector: (s: string) => Img | null;
        querySelectorAll: (s: string) => Iterable<{
          getAttribute: (n: string) => string | null;
          querySelectorAll: (s: string) => { length: number };
        }>;
      };
      const chart = await page.evaluate(() => {
        const img = (globalThis as unknown as { document: Doc }).document.querySelector('img#chart');
        return img ? { complete: img.complete, width: img.naturalWidth, height: img.naturalHeight } : null;
      });
      expect(chart).toEqual({ complete: true, width: 720, height: 320 });
      // Tables of figures, and lists of posts (one entry per post reads on a phone).
      const tables = await page.evaluate(() =>
        [...(globalThis as unknown as { document: Doc }).document.querySelectorAll('[data-section]')].map(
          (t) => ({
            section: t.getAttribute('data-section'),
            rows: t.querySelectorAll('tbody tr, li').length,
          }),
        ),
      );
      expect(tables).toEqual([
        { section: 'Narratives: the day against the 7-day average', rows: 2 },
        { section: 'Top channels (posts carrying a narrative)', rows: 3 },
        { section: 'Top posts', rows: 10 },
        { section: 'Most forwarded', rows: 3 },
        { section: 'New channels seen in forwards', rows: 1 },
        { section: 'Copy-paste clusters', rows: 1 },
        { section: 'Alerts of the day', rows: 1 },
      ]);
      const firstLink = await page.getAttribute('[data-section="Top posts"] a', 'href');
      expect(firstLink).toBe(digest.topPosts[0]?.url);
      // Self-contained: nothing fetched from anywhere.
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('reads on a 390 px phone screen without sideways scrolling, in Chromium', async () => {
    const browser = await chromium.launch(chromiumLaunchOptions());
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await page.setContent(renderDigest(digest).html, { waitUntil: 'load' });
      type El = { scrollWidth: number; clientWidth: number; getBoundingClientRect: () => { right: number } };
      type Doc = { documentElement: El; querySelectorAll: (s: string) => Iterable<El & { tagName: string }> };
      const widths = await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: Doc }).document;
        const widest = [...doc.querySelectorAll('body *')].reduce(
          (max, el) => Math.max(max, el.getBoundingClientRect().right),
          0,
        );
        return { scroll: doc.documentElement.scrollWidth, client: doc.documentElement.clientWidth, widest };
      });
      expect(widths.client).toBe(390);
      expect(widths.scroll).toBeLessThanOrEqual(widths.client);
      expect(widths.widest).toBeLessThanOrEqual(390);
      // The long link in a post's text is inside the page (it wraps), and is shown.
      expect(await page.textContent('[data-section="Most forwarded"]')).toContain('evidence-evidence-');
      await page.screenshot({ path: join(SHOTS, 'digest-390.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('the morning run reports on the previous local day', () => {
    // 08:00 in Almaty on Nov 6 is 03:00 UTC.
    expect(previousDay(new Date('2026-11-06T03:00:00Z'), TZ)).toBe('2026-11-05');
    expect(previousDay(new Date('2026-11-05T20:00:00Z'), TZ)).toBe('2026-11-05');
  });
});
