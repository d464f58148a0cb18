import { normaliseForMatching, stemText } from '@cw/enrichment';
import { describe, expect, it } from 'vitest';
import { prepareSearchText, SearchTextError } from './search-text.ts';

const prep = (q: string) => prepareSearchText(q, stemText, normaliseForMatching);

describe('prepareSearchText', () => {
  it('stems words for textStems and keeps the words as typed for text', () => {
    const { query, stems } = prep('контракта');
    expect(query).toBe('контракта');
    expect(stems).toContain('контракт');
  });

  it('keeps operators and phrases; a phrase gets one stem per word', () => {
    const { query, stems } = prep('-фейк "подписал контракта"');
    expect(query).toBe('-фейк "подписал контракта"');
    expect(stems).toMatch(/^-\S*фейк\S* /);
    expect(stems).toContain(`"${stemText('подписал')}`);
    expect(stems).toContain(`${stemText('контракта')}"`);
  });

  it('drops wildcards that would expand to most of the index, keeps prefixes of 3+ letters', () => {
    expect(prep('*:*').query).toBe(':');
    expect(prep('a* ab* *abc').query).toBe('a ab abc');
    expect(prep('контр*').query).toBe('контр*');
    expect(prep('контр*').stems).toBe('контр*');
  });

  it('refuses more than 32 words', () => {
    expect(() => prep('w '.repeat(33))).toThrow(SearchTextError);
  });
});
