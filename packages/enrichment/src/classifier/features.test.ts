// The n-gram features against the plain definition: every 3-5 character n-gram of each padded word,
// hashed with FNV-1a over its UTF-16 code units, counted, log-scaled and L2-normalised.
import { describe, expect, it } from 'vitest';
import { loadCorpus } from './corpus.ts';
import { NGRAM_BUCKETS, ngramFeatures } from './features.ts';

function reference(text: string): Map<number, number> {
  const fnv = (s: string) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h >>> 0;
  };
  const counts = new Map<number, number>();
  for (const word of text
    .toLowerCase()
    .normalize('NFKC')
    .match(/[\p{L}\p{N}]+/gu) ?? []) {
    const padded = ` ${word} `;
    for (let n = 3; n <= 5; n++)
      for (let i = 0; i + n <= padded.length; i++) {
        const bucket = fnv(padded.slice(i, i + n)) & (NGRAM_BUCKETS - 1);
        counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
      }
  }
  const norm = Math.sqrt([...counts.values()].reduce((a, c) => a + Math.log1p(c) ** 2, 0)) || 1;
  return new Map([...counts].map(([b, c]) => [b, Math.log1p(c) / norm]));
}

describe('character n-gram features', () => {
  const texts = [
    '',
    'a',
    'ab',
    'Контракт, контракт и КОНТРАКТ!',
    '🙂 emoji 𝐛𝐨𝐥𝐝 and ﬁ ligature, İstanbul, ǅ',
    ...loadCorpus()
      .test.filter((_, i) => i % 97 === 0)
      .map((i) => i.text),
  ];

  it.each(texts.map((t) => [t.slice(0, 40), t]))('are the plain definition for %j', (_, text) => {
    const f = ngramFeatures(text);
    const want = reference(text);
    expect([...f.index]).toEqual([...want.keys()].sort((a, b) => a - b));
    for (const [i, bucket] of f.index.entries())
      expect(f.value[i]).toBeCloseTo(want.get(bucket) as number, 6);
  });

  it('leave nothing behind between calls', () => {
    const once = ngramFeatures('Пункт отбора на военную службу по контракту');
    ngramFeatures('совсем другой текст про погоду в Алматы');
    expect(ngramFeatures('Пункт отбора на военную службу по контракту')).toEqual(once);
  });
});
