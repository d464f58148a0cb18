import { describe, expect, it } from 'vitest';
import { fingerprint, hammingDistance } from './fingerprint.ts';

const POST =
  'Контракт с МО РФ, выплата от 2 млн рублей, пишите в личку, всё расскажем. Казахстанцам упрощённый ' +
  'порядок получения гражданства. Подробности в закреплённом сообщении канала.';

describe('fingerprint', () => {
  it('is 16 hex characters with four 16-bit band keys', () => {
    const { fingerprint: hex, bands } = fingerprint(POST);
    expect(hex).toMatch(/^[0-9a-f]{16}$/);
    expect(bands).toEqual([0, 1, 2, 3].map((i) => `${i}:${hex.slice(i * 4, i * 4 + 4)}`));
  });

  it('is the same for texts that differ only in case, ё, links and emoji', () => {
    const copy = `${POST.toUpperCase().replaceAll('Ё', 'Е')} 🔥 https://t.me/copy/1`;
    expect(fingerprint(copy).fingerprint).toBe(fingerprint(POST).fingerprint);
  });

  it('puts a lightly edited copy much closer than an unrelated post', () => {
    const edited = POST.replace('2 млн', '3 млн').replace('всё расскажем', 'все расскажем!');
    const other =
      'Погода в Алматы: завтра снег и гололёд, будьте осторожны на дорогах и не паркуйтесь под деревьями.';
    const near = hammingDistance(fingerprint(POST).fingerprint, fingerprint(edited).fingerprint);
    const far = hammingDistance(fingerprint(POST).fingerprint, fingerprint(other).fingerprint);
    expect(near).toBeLessThanOrEqual(10);
    expect(far).toBeGreaterThan(20);
  });
});

describe('hammingDistance', () => {
  it('counts differing bits', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
  });

  it('rejects malformed fingerprints', () => {
    expect(() => hammingDistance('abc', '0000000000000000')).toThrow();
  });
});
