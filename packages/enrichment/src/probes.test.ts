// Posts written for this package, never used to write the definitions' terms first: each batch was
// run before the terms that fix its misses were added. They guard the generalisation the dev files
// cannot show (other wording, other hard negatives); a change that loses them is overfitting.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateLanguage, evaluateNarratives, type LanguageRow, type NarrativeRow } from './evaluate.ts';
import { DEFAULT_NARRATIVES_DIR } from './index.ts';
import { compileNarratives } from './narrative-compile.ts';
import { loadNarrativeDefinitions } from './narrative-loader.ts';

function fixture<T>(name: string): T[] {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

describe('probe posts (fixtures/)', () => {
  it('narratives: precision ≥ 0.9, recall ≥ 0.85 each, ≤ 5% of negatives tagged', () => {
    const compiled = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
    const metrics = evaluateNarratives(fixture<NarrativeRow>('narratives-probe.jsonl'), compiled);
    for (const [id, m] of Object.entries(metrics.perClass)) {
      expect(m.precision, `${id} precision`).toBeGreaterThanOrEqual(0.9);
      expect(m.recall, `${id} recall`).toBeGreaterThanOrEqual(0.85);
    }
    expect(metrics.hardNegatives.rate).toBeLessThanOrEqual(0.05);
  });

  it('language: accuracy ≥ 0.95 on short sentences of every default language', () => {
    expect(evaluateLanguage(fixture<LanguageRow>('lang-probe.jsonl')).accuracy).toBeGreaterThanOrEqual(0.95);
  });
});
