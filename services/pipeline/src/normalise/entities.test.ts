import { describe, expect, it } from 'vitest';
import { cleanText } from './clean-text.ts';
import { canonicalUrl, extractEntities } from './entities.ts';

describe('canonicalUrl', () => {
  it('lower-cases the host, drops www, tracking parameters and the fragment', () => {
    expect(canonicalUrl('https://WWW.Example.KZ/News/1?utm_source=tg&id=5&fbclid=x#top')).toBe(
      'https://example.kz/News/1?id=5',
    );
  });
  it('strips sentence punctuation that follows a link', () => {
    expect(canonicalUrl('https://tengrinews.kz/article/42.')).toBe('https://tengrinews.kz/article/42');
  });
});

describe('extractEntities', () => {
  const text =
    'Срочно! Подробности: https://News.example.com/a?utm_medium=x, канал t.me/Voenkor_KZ и @Rekrut_Bot ' +
    'а также https://t.me/s/OtherChannel/15 #СВО #контракт email a@b.kz';
  const entities = extractEntities(text, ['https://Hidden.example.org/link?utm_campaign=z']);

  it('finds URLs in the text and behind text links, canonicalised', () => {
    expect(entities.urls).toEqual([
      'https://news.example.com/a',
      'https://t.me/Voenkor_KZ',
      'https://t.me/s/OtherChannel/15',
      'https://hidden.example.org/link',
    ]);
    expect(entities.domains).toEqual(['news.example.com', 't.me', 'hidden.example.org']);
  });
  it('extracts hashtags and mentions in lower case, not e-mail addresses', () => {
    expect(entities.hashtags).toEqual(['сво', 'контракт']);
    expect(entities.mentions).toEqual(['rekrut_bot']);
  });
  it('names the channels that t.me links point to', () => {
    expect(entities.channelLinks).toEqual(['voenkor_kz', 'otherchannel']);
  });
  it('keeps the @channel suffix of a channel-scoped hashtag, and does not take it for a mention', () => {
    const scoped = extractEntities('Итоги дня #новости@Voenkor_KZ и просто #новости', []);
    expect(scoped.hashtags).toEqual(['новости@voenkor_kz', 'новости']);
    expect(scoped.mentions).toEqual([]);
  });
});

describe('cleanText', () => {
  it('normalises to NFC, removes control and zero-width characters, collapses spaces', () => {
    const decomposed = 'е\u0308лка'; // е + combining diaeresis
    expect(cleanText(`  ${decomposed}\u200B  и\t\tвсё \u0007\r\n\r\n\n  дальше  `)).toBe(
      'ёлка и всё\nдальше',
    );
  });
});

describe('cleanText fast path', () => {
  it('returns clean text unchanged and still cleans each kind of flaw on its own', () => {
    expect(cleanText('Чистый текст.\nВторой абзац.')).toBe('Чистый текст.\nВторой абзац.');
    const cases: [string, string][] = [
      ['a\u00A0b', 'a b'],
      ['a  b', 'a b'],
      ['a \nb', 'a\nb'],
      ['a\n\nb', 'a\nb'],
      ['a\n b', 'a\nb'],
      [' a', 'a'],
      ['a\n', 'a'],
      ['a\tb', 'a b'],
      ['a\r\nb', 'a\nb'],
      ['a\u200Bb', 'ab'],
      ['a\u0085b', 'ab'],
    ];
    for (const [input, expected] of cases) expect(cleanText(input), JSON.stringify(input)).toBe(expected);
  });
});

describe('extractEntities fast path', () => {
  it('finds nothing in a post without links, hashtags or mentions, and still finds an upper-case link', () => {
    expect(extractEntities('Просто текст без ссылок')).toEqual({
      urls: [],
      domains: [],
      hashtags: [],
      mentions: [],
      channelLinks: [],
    });
    expect(extractEntities('СМОТРИТЕ WWW.EXAMPLE.KZ/A').urls).toEqual(['https://example.kz/A']);
    expect(extractEntities('текст', ['https://t.me/Chan_One']).channelLinks).toEqual(['chan_one']);
  });
});
