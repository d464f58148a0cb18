import { describe, expect, it } from 'vitest';
import { DEFAULT_LANGUAGES, detectLanguage } from './detect-language.ts';
import { readJsonl } from './dev-data.ts';
import { evaluateLanguage, type LanguageRow } from './evaluate.ts';

describe('detectLanguage', () => {
  it.each([
    ['👍🔥😂', 'emoji only'],
    ['https://t.me/some_channel/123', 'a link'],
    ['12 500 ₸', 'a number'],
    ['@admin #news', 'a mention and a hashtag'],
    ['', 'nothing'],
  ])('says und for %s (%s)', (text) => {
    expect(detectLanguage(text)).toEqual({ lang: 'und', confidence: 0 });
  });

  it.each([
    ['ru', 'Завтра в городе ожидается сильный ветер, будьте осторожны'],
    ['ru', 'Кто знает, где купить зимние шины подешевле?'],
    ['uk', 'Сьогодні у Львові знову вимикатимуть світло'],
    ['uk', 'Хто знає, де купити зимові шини дешевше?'],
    ['kk', 'Ертең қалада қатты жел соғады, абай болыңыздар'],
    ['kk', 'Erteñ qalada qattı jel soğadı, abai bolıñızdar'],
    ['ky', 'Эртең шаарда катуу шамал болот, сак болуңуздар'],
    ['uz', 'Ertaga shaharda kuchli shamol boʻladi, ehtiyot boʻling'],
    ['tg', 'Фардо дар шаҳр шамоли сахт мевазад, эҳтиёт бошед'],
    ['en', 'Strong winds are expected in the city tomorrow, take care'],
  ])('detects %s in a short sentence it has not seen', (lang, text) => {
    expect(detectLanguage(text).lang).toBe(lang);
  });

  it('keeps a Russian post with an English brand Russian', () => {
    expect(detectLanguage('Купил новый iPhone в Kaspi, доставка за день').lang).toBe('ru');
  });

  it('only answers with a candidate language', () => {
    const { lang } = detectLanguage('Ертең қалада қатты жел соғады', { candidates: ['ru', 'en'] });
    expect(lang).toBe('ru');
    // No candidate is written in Latin letters: no guess.
    expect(detectLanguage('Strong winds tomorrow', { candidates: ['ru', 'uk'] }).lang).toBe('und');
  });

  it('gives a confidence between 0 and 1, higher for a long clear text', () => {
    const short = detectLanguage('Алматы, снег').confidence;
    const long = detectLanguage(
      'Пользователи жалуются на сбой в работе банка: не проходят переводы и не открывается приложение.',
    ).confidence;
    expect(short).toBeGreaterThanOrEqual(0);
    expect(long).toBeLessThanOrEqual(1);
    expect(long).toBeGreaterThan(short);
  });

  it('has the Central Asian languages and English as default candidates', () => {
    expect([...DEFAULT_LANGUAGES].sort()).toEqual(['en', 'kk', 'ky', 'ru', 'tg', 'uk', 'uz']);
  });
});

describe('language quality on eval/lang-dev.jsonl', () => {
  const metrics = evaluateLanguage(readJsonl<LanguageRow>('lang-dev.jsonl'));

  it('is at least 0.97 accurate overall', () => {
    expect(metrics.total).toBeGreaterThan(0);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('recalls at least 0.93 of every language with 10 or more examples', () => {
    for (const [lang, m] of Object.entries(metrics.perClass)) {
      if (m.support >= 10) expect(m.recall, lang).toBeGreaterThanOrEqual(0.93);
    }
  });
});
