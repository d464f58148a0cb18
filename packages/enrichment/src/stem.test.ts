import { describe, expect, it } from 'vitest';
import { stemText, stemToken } from './stem.ts';

describe('stemToken', () => {
  it('gives Russian case forms one stem', () => {
    const stem = stemToken('контракт', 'ru');
    for (const form of ['контракта', 'контракту', 'контрактом', 'контракте', 'контракты']) {
      expect(stemToken(form, 'ru')).toBe(stem);
    }
  });

  it('strips stacked Kazakh suffixes', () => {
    const stem = stemToken('келісімшарт');
    for (const form of ['келісімшартқа', 'келісімшартты', 'келісімшарттар', 'келісімшарттарға']) {
      expect(stemToken(form)).toBe(stem);
    }
  });

  it('handles English plurals and -ing', () => {
    expect(stemToken('contracts')).toBe('contract');
    expect(stemToken('signing')).toBe('sign');
    expect(stemToken('drones', 'en')).toBe(stemToken('drone', 'en'));
  });

  it('leaves short words and numbers alone', () => {
    expect(stemToken('мо')).toBe('мо');
    expect(stemToken('2026')).toBe('2026');
  });
});

describe('stemText', () => {
  it('normalises and stems a whole text', () => {
    expect(stemText('Подписал КОНТРАКТА', 'ru')).toBe(`${stemToken('подписал', 'ru')} контракт`);
  });
});
