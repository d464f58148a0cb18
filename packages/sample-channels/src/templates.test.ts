import {
  compileNarratives,
  DEFAULT_NARRATIVES_DIR,
  detectLanguage,
  loadNarrativeDefinitions,
  tagNarratives,
} from '@cw/enrichment';
import { describe, expect, it } from 'vitest';
import { generateSampleChannels } from './generate.ts';
import * as templates from './templates.ts';

// The demo's truth is the generator's intent; this holds the taggers to it on every template, so
// the demo's counts can be compared with the truth exactly.
const narratives = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
const all = [
  ...templates.NEWS,
  ...templates.ORDINARY,
  ...templates.DEBUNKS,
  ...templates.RECRUITMENT,
  ...templates.BLAME,
  templates.CAMPAIGN,
];

describe('sample channel templates', () => {
  it.each(all.map((t) => [t.text.slice(0, 50), t] as const))('tag as intended: %s', (_name, template) => {
    const text = template.text
      .replaceAll('{city}', 'Алматы')
      .replaceAll('{n}', '12')
      .replaceAll('{amount}', '350')
      .replaceAll('{team}', 'Кайрат')
      .replaceAll('{handle}', '@hr_123_bot');
    // The generator wraps templates in neutral filler sentences: they must not change the tags.
    for (const filler of ['', ...templates.FILLERS[template.lang]]) {
      const wrapped = filler ? `${filler} ${text} ${filler}` : text;
      expect(detectLanguage(wrapped).lang, wrapped).toBe(template.lang);
      expect(tagNarratives(narratives, wrapped, template.lang).narratives.sort(), wrapped).toEqual(
        [...template.narratives].sort(),
      );
    }
  });
});

describe('generateSampleChannels', () => {
  it('is deterministic for a seed and an end time', () => {
    const end = new Date('2026-11-20T12:00:00Z');
    const a = generateSampleChannels({ seed: 7, end, days: 5, channels: 12 });
    const b = generateSampleChannels({ seed: 7, end, days: 5, channels: 12 });
    expect(a.events).toEqual(b.events);
    expect(generateSampleChannels({ seed: 8, end, days: 5, channels: 12 }).events).not.toEqual(a.events);
  });

  it('counts every post once in its truth, with the spike inside the last hour', () => {
    const end = new Date('2026-11-20T12:00:00Z');
    const { events, truth } = generateSampleChannels({ seed: 1, end, days: 7, channels: 20 });
    const ids = new Set(events.map((e) => `${e.channel.id}_${e.messageId}`));
    expect(truth.posts).toBe(ids.size);
    expect(Object.values(truth.byLanguage).reduce((a, b) => a + b, 0)).toBe(truth.posts);
    const spike = events.filter((e) => e.postedAt >= truth.spike.windowStart && !e.editedAt && !e.deletedAt);
    expect(spike.length).toBeGreaterThanOrEqual(truth.spike.posts);
    expect(events.every((e) => e.postedAt < truth.spike.windowEnd)).toBe(true);
  });
});
