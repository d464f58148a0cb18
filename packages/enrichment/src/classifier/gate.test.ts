import { describe, expect, it } from 'vitest';
import { DEFAULT_NARRATIVES_DIR } from '../index.ts';
import { loadNarrativeDefinitions } from '../narrative-loader.ts';
import type { NarrativeDefinition } from '../narrative-schema.ts';
import { loadCorpus } from './corpus.ts';
import { compileGate } from './gate.ts';
import { LONG_POST_SETS, loadLongPosts } from './long-posts.ts';

const definitions = loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR);
const gate = compileGate(definitions);

/** The gate's definition as one regular expression per gate set (what the trie must match exactly). */
function regexGate(defs: readonly NarrativeDefinition[]): (text: string) => string[] {
  const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = (term: string) => {
    const body = escaped(term.replace(/\*$/, '').toLowerCase()).replace(/ +/g, '\\s+');
    if (term.endsWith('*')) return body;
    // A short last word followed by a hyphen and a digit is a model designation's letters ("РК-360").
    const short = (term.split(/ +/).at(-1) ?? '').length <= 3;
    return `${body}(?![\\p{L}\\p{N}]${short ? '|[-\\u2010\\u2011]\\p{Nd}' : ''})`;
  };
  const own = defs.flatMap((d) => {
    if (!d.gate) return [];
    const sets = Array.isArray(d.gate) ? d.gate : [d.gate];
    const res = sets.map(
      (set) => new RegExp(`(?<![\\p{L}\\p{N}])(?:${Object.values(set).flat().map(pattern).join('|')})`, 'u'),
    );
    return [{ id: d.id, res }];
  });
  return (text) => own.filter((o) => o.res.every((re) => re.test(text.toLowerCase()))).map((o) => o.id);
}

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

  it('reads the letters of a model designation as no word', () => {
    expect(gate.match('Ракетный комплекс РК-360МЦ «Нептун» ударил по буровой в России')).not.toContain(
      'kazakhstan_blame',
    );
    expect(gate.match('Ракеты для России везут через РК')).toContain('kazakhstan_blame');
  });

  it('matches whole words for plain terms and word starts for stems', () => {
    expect(gate.match('армия')).toContain('mercenary_recruitment');
    expect(gate.match('сувора')).toEqual([]); // "сво" is a whole word only
  });

  it('opens exactly the narratives the regular expressions of its terms open, on real and awkward texts', () => {
    const reference = regexGate(definitions);
    const corpus = loadCorpus();
    const texts = [
      ...corpus.train.map((i) => i.text),
      ...corpus.test.map((i) => i.text),
      ...LONG_POST_SETS.flatMap((set) => loadLongPosts(set).map((i) => i.text)),
      // Word edges next to astral letters and emoji, phrases over odd whitespace, the end of the text.
      'Казахстан',
      'казахстан🇰🇿 война',
      '𝐀казах армия',
      'армия𝐀',
      'армия',
      'армияx',
      'біздің\u00a0\n ел армия',
      'біздің ел',
      'південний сусід казах',
      'южн* сосед казах',
      'южн сосед казах',
      'рк-армия',
      'РК война',
      'РК-360МЦ «Нептун» война',
      'через РК-360 война',
      'через РК‑3 война',
      'РК- 360 война',
      'ркх война',
      '«Казахстан» — армия!',
      'нур-султан war',
      'nur-sultan',
    ];
    let opened = 0;
    for (const text of texts) {
      const expected = reference(text);
      opened += expected.length;
      expect({ text, open: gate.match(text) }).toEqual({ text, open: expected });
      expect({ text, test: gate.test(text) }).toEqual({ text, test: expected.length > 0 });
    }
    expect(texts.length).toBeGreaterThan(5000);
    expect(opened).toBeGreaterThan(1000);
  });
});
