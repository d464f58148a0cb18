import { describe, expect, it } from 'vitest';
import { DEFAULT_NARRATIVES_DIR } from '../index.ts';
import { loadNarrativeDefinitions } from '../narrative-loader.ts';
import { compileGate } from './gate.ts';

const gate = compileGate(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));

describe('candidate gate', () => {
  it('lets a Kazakhstan mention with a word of war or accusation through to the blame head', () => {
    expect(gate.match('Детали для дронов поступили через братский Казахстан')).toContain('kazakhstan_blame');
    expect(gate.match('Kazakhstan keeps re-exporting microchips to Russia')).toContain('kazakhstan_blame');
  });

  it('keeps city news and chat that merely name a Kazakh city away from the blame head', () => {
    expect(gate.match('Продаю детскую коляску, Алматы, самовывоз')).toEqual([]);
    expect(gate.test('Продаю детскую коляску, Алматы, самовывоз')).toBe(false);
  });

  it('sends military and contract words in each language to the recruitment head', () => {
    for (const text of [
      'Подпиши контракт!',
      'Join the International Legion',
      'Келісімшарт жасасқандарға төлем',
      'Rossiya armiyasi bilan shartnoma',
    ])
      expect(gate.match(text)).toContain('mercenary_recruitment');
    expect(gate.match('Погода на выходные: солнечно, +25')).toEqual([]);
  });

  it('matches whole words for plain terms and word starts for stems', () => {
    expect(gate.match('армия')).toContain('mercenary_recruitment');
    expect(gate.match('сувора')).toEqual([]); // "сво" is a whole word only
  });
});
