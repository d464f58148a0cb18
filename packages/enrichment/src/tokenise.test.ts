import { describe, expect, it } from 'vitest';
import { foldHomoglyphs } from './homoglyphs.ts';
import { FEATURE, normaliseForMatching, scan, TokenKind } from './tokenise.ts';

describe('normaliseForMatching', () => {
  it('lowercases, folds ё to е and splits on punctuation, hyphens and emoji', () => {
    expect(normaliseForMatching('Ёлки-палки, ВСЁ законно!🔥Пиши')).toEqual([
      'елки',
      'палки',
      'все',
      'законно',
      'пиши',
    ]);
  });

  it('folds Latin look-alikes inside a Cyrillic word so a disguised keyword still matches', () => {
    // k and p below are Latin letters.
    expect(normaliseForMatching('kонтpакт')).toEqual(['контракт']);
    expect(normaliseForMatching('KOНTPAKT')).toEqual(['контракт']);
  });

  it('folds Cyrillic look-alikes inside a Latin word', () => {
    // о and е below are Cyrillic letters.
    expect(normaliseForMatching('cоntrаct')).toEqual(['contract']);
  });

  it('leaves words written in one script alone', () => {
    expect(foldHomoglyphs('contract')).toBe('contract');
    expect(foldHomoglyphs('контракт')).toBe('контракт');
  });

  it('keeps apostrophes inside words and unifies their variants', () => {
    expect(normaliseForMatching("об’єкт oʻzbek don't")).toEqual(["об'єкт", "o'zbek", "don't"]);
  });

  it('splits digits glued to letters and keeps numbers', () => {
    expect(normaliseForMatching('ст.170 300к 2млн')).toEqual(['ст', '170', '300', 'к', '2', 'млн']);
  });

  it('keeps hashtag words but drops links and mentions', () => {
    expect(normaliseForMatching('#контракт пиши @recruit_bot https://t.me/x/1 t.me/y')).toEqual([
      'контракт',
      'пиши',
    ]);
  });
});

describe('scan', () => {
  it('turns links, mentions, phones and currency signs into feature tokens with offsets', () => {
    const text = 'Звони +7 701 123 45 67 или @bot, 2 000 ₽ https://t.me/a';
    const scanned = scan(text);
    expect(scanned.tokens).toEqual([
      'звони',
      FEATURE.phone,
      'или',
      FEATURE.mention,
      '2',
      '000',
      '₽',
      FEATURE.link,
    ]);
    expect(scanned.kinds[1]).toBe(TokenKind.feature);
    expect(scanned.kinds[4]).toBe(TokenKind.number);
    expect(text.slice(scanned.starts[3], scanned.ends[3])).toBe('@bot');
  });

  it('marks hashtag words', () => {
    const scanned = scan('#Астана сегодня');
    expect(scanned.kinds).toEqual([TokenKind.hashtag, TokenKind.word]);
  });
});
