import { describe, expect, it } from 'vitest';
import { detectLanguage } from './detect-language.ts';
import { enrich } from './enrich.ts';
import { fingerprint } from './fingerprint.ts';
import { DEFAULT_NARRATIVES_DIR } from './index.ts';
import { compileNarratives } from './narrative-compile.ts';
import { loadNarrativeDefinitions } from './narrative-loader.ts';
import { tagNarratives } from './narrative-match.ts';
import { stemText } from './stem.ts';

const narratives = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));

describe('enrich', () => {
  it.each([
    'Контракт с МО РФ, выплата 2 млн ₽, пиши в лс 👇 https://t.me/x/1',
    'Комплектующие для дронов шли через «братский» Казахстан, а Астана делает вид, что не в курсе.',
    'Бүгін Астанада күн ашық болады',
    '👍',
    '',
  ])('gives the same answers as the separate functions, from one scan: %s', (text) => {
    const result = enrich(text, { narratives });
    const language = detectLanguage(text);
    const tags = tagNarratives(narratives, text);
    const print = fingerprint(text);
    expect(result).toEqual({
      lang: language.lang,
      langConfidence: language.confidence,
      narratives: tags.narratives,
      narrativeEvidence: tags.narrativeEvidence,
      fingerprint: print.fingerprint,
      fingerprintBands: print.bands,
      textStems: stemText(text),
    });
  });

  it('uses the candidate languages it is given', () => {
    expect(enrich('Бүгін Астанада күн ашық болады', { narratives, languages: ['ru', 'en'] }).lang).toBe('ru');
  });
});
