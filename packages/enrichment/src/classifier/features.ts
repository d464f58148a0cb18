// Character n-grams of a text, hashed into a fixed number of buckets: they carry the word forms and
// spellings (Kazakh suffixes, Latin transliteration) that a 6-layer sentence embedding blurs.

export const NGRAM_BUCKETS = 1 << 13;
const MIN_N = 3;
const MAX_N = 5;

export interface SparseVector {
  index: Uint32Array;
  value: Float32Array;
}

/** Counts per bucket, reused across calls (touched buckets are reset after each text). */
const counts = new Uint32Array(NGRAM_BUCKETS);
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * Log-scaled counts of 3–5 character n-grams of each word (with boundary marks), L2-normalised. The
 * hash of each n-gram is carried from one length to the next (FNV-1a is a left fold), so no substring
 * is built: long channel posts made this the main thread's largest cost per candidate.
 */
export function ngramFeatures(text: string): SparseVector {
  const touched: number[] = [];
  const words =
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const padded = ` ${word} `;
    const length = padded.length;
    for (let i = 0; i + MIN_N <= length; i++) {
      let h = FNV_OFFSET;
      for (let n = 1; n <= MAX_N && i + n <= length; n++) {
        h = Math.imul(h ^ padded.charCodeAt(i + n - 1), FNV_PRIME);
        if (n < MIN_N) continue;
        const bucket = (h >>> 0) & (NGRAM_BUCKETS - 1);
        if (counts[bucket] === 0) touched.push(bucket);
        counts[bucket] = (counts[bucket] as number) + 1;
      }
    }
  }
  const index = Uint32Array.from(touched).sort();
  const value = new Float32Array(index.length);
  let norm = 0;
  index.forEach((bucket, i) => {
    const v = Math.log1p(counts[bucket] as number);
    counts[bucket] = 0;
    value[i] = v;
    norm += v * v;
  });
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < value.length; i++) value[i] = (value[i] as number) / norm;
  return { index, value };
}
