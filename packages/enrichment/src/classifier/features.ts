// Character n-grams of a text, hashed into a fixed number of buckets: they carry the word forms and
// spellings (Kazakh suffixes, Latin transliteration) that a 6-layer sentence embedding blurs.

export const NGRAM_BUCKETS = 1 << 13;
const MIN_N = 3;
const MAX_N = 5;

export interface SparseVector {
  index: Uint32Array;
  value: Float32Array;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Log-scaled counts of 3–5 character n-grams of each word (with boundary marks), L2-normalised. */
export function ngramFeatures(text: string): SparseVector {
  const counts = new Map<number, number>();
  const words =
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const padded = ` ${word} `;
    for (let n = MIN_N; n <= MAX_N; n++) {
      for (let i = 0; i + n <= padded.length; i++) {
        const bucket = fnv1a(padded.slice(i, i + n)) & (NGRAM_BUCKETS - 1);
        counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
      }
    }
  }
  const index = Uint32Array.from([...counts.keys()].sort((a, b) => a - b));
  const value = new Float32Array(index.length);
  let norm = 0;
  index.forEach((bucket, i) => {
    const v = Math.log1p(counts.get(bucket) ?? 0);
    value[i] = v;
    norm += v * v;
  });
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < value.length; i++) value[i] = (value[i] as number) / norm;
  return { index, value };
}
