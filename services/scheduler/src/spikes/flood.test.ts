import type { CollectedPostInput } from '@cw/domain';
import { fingerprint } from '@cw/enrichment';
import { describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import { loadPosts, post, spikeSettings } from '../test-fixtures.ts';
import { evaluateSpikes } from './evaluate.ts';
import { classifySpike, textGroups } from './flood.ts';

const ctx = isolatedServers();
const HOUR = 3_600_000;
const NOW = new Date('2026-10-20T12:00:00.000Z');
const settings = spikeSettings({ timeZone: 'Asia/Almaty', apiBaseUrl: 'https://cw.example.org/' });

const WORDS = (
  'river harvest border council minister market winter village convoy bridge factory school ' +
  'station airport hospital ministry treaty pipeline garrison railway customs tariff election'
).split(' ');
/** A text of its own: eight words drawn by `n`, so no two are near-duplicates. */
const ownText = (n: number) =>
  `${Array.from({ length: 8 }, (_, i) => WORDS[(n * 7 + i * i * 3 + n * i) % WORDS.length]).join(' ')} grainhoax ${n}`;

describe('floods', () => {
  it('groups near-duplicate texts and calls a one-channel or one-text spike a flood', () => {
    const copy = 'Срочно: grainhoax, зерно вывозят в Казахстан, делитесь пока не удалили';
    const fps = [
      fingerprint(copy).fingerprint,
      fingerprint(`${copy}!`).fingerprint,
      fingerprint(ownText(1)).fingerprint,
      fingerprint(ownText(2)).fingerprint,
    ];
    expect(textGroups(fps)).toEqual([2, 1, 1]);
    const mix = { posts: 40, distinctChannels: 1, topChannelCount: 40, distinctTexts: 1, topTextCount: 40 };
    expect(classifySpike(mix)).toBe('narrative.flood');
    // One text copied across many channels is a flood too; many channels and texts are a spike.
    expect(classifySpike({ ...mix, distinctChannels: 12, topChannelCount: 5 })).toBe('narrative.flood');
    expect(
      classifySpike({
        posts: 40,
        distinctChannels: 3,
        topChannelCount: 16,
        distinctTexts: 38,
        topTextCount: 2,
      }),
    ).toBe('narrative.spike');
  });

  it('one channel posting 40 copies raises a narrative.flood that says so; the same volume from three channels is a narrative.spike', async () => {
    const posts: CollectedPostInput[] = [];
    for (let h = 8 * 24; h >= 1; h -= 1) {
      const start = NOW.getTime() - (h + 1) * HOUR;
      posts.push(
        post(new Date(start + 10 * 60_000), { topic: 'grain_hoax', channel: h % 3, text: ownText(h) }),
      );
      posts.push(post(new Date(start + 20 * 60_000), { channel: h % 3 }));
      posts.push(post(new Date(start + 40 * 60_000), { channel: (h + 1) % 3 }));
    }
    const copy = 'Срочно: grainhoax, зерно вывозят в Казахстан, делитесь пока не удалили';
    for (let i = 0; i < 40; i += 1)
      posts.push(
        post(new Date(NOW.getTime() - HOUR + 60_000 + i * 60_000), { topic: 'grain_hoax', text: copy }),
      );
    // A day later, the same volume from three channels, each post its own text.
    const later = new Date(NOW.getTime() + 24 * HOUR);
    for (let h = 23; h >= 1; h -= 1) {
      const start = later.getTime() - (h + 1) * HOUR;
      posts.push(
        post(new Date(start + 10 * 60_000), { topic: 'grain_hoax', channel: h % 3, text: ownText(500 + h) }),
      );
      posts.push(post(new Date(start + 20 * 60_000), { channel: h % 3 }));
    }
    for (let i = 0; i < 40; i += 1)
      posts.push(
        post(new Date(later.getTime() - HOUR + 60_000 + i * 60_000), {
          topic: 'grain_hoax',
          channel: i % 3,
          text: ownText(1000 + i),
        }),
      );
    await loadPosts(ctx.es, ctx.prefix, posts);
    const titles = new Map([['grain_hoax', 'Grain export hoax']]);

    const flood = await evaluateSpikes({ es: ctx.es, prefix: ctx.prefix, now: NOW, settings, titles });
    expect(flood.opened).toHaveLength(1);
    expect(flood.opened[0]).toMatchObject({
      kind: 'narrative.flood',
      title: 'Grain export hoax',
      observed: 40,
      distinctChannels: 1,
      topChannelShare: 1,
      distinctTexts: 1,
      topTextShare: 1,
      windowMinutes: 60,
      local: {
        timeZone: 'Asia/Almaty',
        windowStart: '2026-10-20 16:00 UTC+05:00',
        windowEnd: '2026-10-20 17:00 UTC+05:00',
      },
      postsQuery:
        'https://cw.example.org/v1/posts?narrative=grain_hoax&from=2026-10-20T11%3A00%3A00.000Z&to=2026-10-20T12%3A00%3A00.000Z',
    });
    expect(flood.opened[0]?.baseline).toMatch(/past 4 weeks .* past 7 days/);

    const spike = await evaluateSpikes({ es: ctx.es, prefix: ctx.prefix, now: later, settings, titles });
    expect(spike.opened).toHaveLength(1);
    expect(spike.opened[0]).toMatchObject({
      kind: 'narrative.spike',
      distinctChannels: 3,
      distinctTexts: 40,
    });
    expect(spike.opened[0]?.topChannelShare).toBeCloseTo(14 / 40, 3);
  }, 120_000);

  it('at one post an hour, one channel posting copies for hours fires through the CUSUM as a narrative.flood; three channels with their own texts as a narrative.spike', async () => {
    // Far from the posts above: four weeks of both narratives at one post an hour, then ten hours
    // at three an hour. No hour reaches the minimum count, so only the CUSUM can see it.
    const at = new Date(NOW.getTime() - 40 * 24 * HOUR);
    const RISE = 10;
    const copy = 'Воду отключат по всему городу на неделю, watercutoff, запасайтесь';
    const posts: CollectedPostInput[] = [];
    for (let h = 30 * 24; h >= 1; h -= 1) {
      const start = at.getTime() - h * HOUR;
      const minute = (m: number) => new Date(start + m * 60_000);
      posts.push(
        post(minute(5), {
          topic: 'water_cutoff',
          channel: h % 3,
          text: ownText(2000 + h).replace('grainhoax', 'watercutoff'),
        }),
      );
      posts.push(post(minute(15), { topic: 'grain_hoax', channel: (h + 1) % 3, text: ownText(3000 + h) }));
      posts.push(post(minute(25), { channel: h % 3 }), post(minute(45), { channel: (h + 2) % 3 }));
      if (h <= RISE) {
        posts.push(post(minute(30), { topic: 'water_cutoff', channel: 0, text: copy }));
        posts.push(post(minute(50), { topic: 'water_cutoff', channel: 0, text: `${copy}!` }));
        posts.push(post(minute(35), { topic: 'grain_hoax', channel: (h + 2) % 3, text: ownText(4000 + h) }));
        posts.push(post(minute(55), { topic: 'grain_hoax', channel: h % 3, text: ownText(5000 + h) }));
      }
    }
    await loadPosts(ctx.es, ctx.prefix, posts);
    const result = await evaluateSpikes({ es: ctx.es, prefix: ctx.prefix, now: at, settings });
    const byNarrative = new Map(result.opened.map((a) => [a.narrative, a]));
    const flood = byNarrative.get('water_cutoff');
    const spike = byNarrative.get('grain_hoax');
    for (const alert of [flood, spike]) {
      expect(alert).toBeDefined();
      const verdict = result.verdicts.find((v) => v.narrative === alert?.narrative);
      expect(verdict?.method).toBe('cusum');
      // The window is the CUSUM's span: within the rise, several hours, 3 posts in each.
      expect(alert?.windowMinutes).toBeGreaterThan(60);
      expect(alert?.windowMinutes).toBeLessThanOrEqual(RISE * 60);
      expect(alert?.observed).toBe(3 * ((alert?.windowMinutes ?? 0) / 60));
      expect(alert?.baseline).toMatch(/CUSUM/);
      // How the expected count was formed, as the default profile baseline forms it.
      expect(alert?.baseline).toMatch(/level over the 14 days before .* time of day and weekday/);
    }
    // Judged on the posts of that span: the copies of one channel are two thirds of its posts and
    // all of its rise.
    expect(flood).toMatchObject({ kind: 'narrative.flood' });
    expect(flood?.topChannelShare).toBeGreaterThan(0.66);
    expect(spike).toMatchObject({ kind: 'narrative.spike', distinctChannels: 3 });
  }, 120_000);
});
