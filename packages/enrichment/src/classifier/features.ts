// Character n-grams of a text, hashed into a fixed number of buckets: they carry the word forms and
// spellings (Kazakh suffixes, Latin transliteration) that a 6-layer sentence embedding blurs.

export const NGRAM_BUCKETS = 1 << 13;
const MIN_N = 3;
const MAX_N = 5;

export interface SparseVector {
  index: Uint32Array;
  value: Float32Array;
}

/**
 * Counts per bucket and a bit per bucket touched, reused across calls (reset after each text): the
 * n-grams of a long post allocated ~50 KB per text in growing arrays and boxed numbers, a large share
 * of the pipeline worker's garbage. The bits give the touched buckets in ascending order: sorting
 * them took 35 of the 80 µs a real Telegram candidate cost (a thousand buckets each), reading the
 * bits back takes 5.
 */
const counts = new Uint32Array(NGRAM_BUCKETS);
const touched = new Uint32Array(NGRAM_BUCKETS >>> 5);
const SPACE = 0x20;
let padded = new Uint16Array(64);
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * Log-scaled counts of 3–5 character n-grams of each word (with boundary marks), L2-normalised. The
 * hash of each n-gram is carried from one length to the next (FNV-1a is a left fold), so no substring
 * is built: long channel posts made this the main thread's largest cost per candidate.
 */
export function ngramFeatures(text: string): SparseVector {
  let size = 0;
  const words =
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    // The word between boundary spaces, as codes in a reused buffer rather than a new string.
    const length = word.length + 2;
    if (padded.length < length) padded = new Uint16Array(length * 2);
    padded[0] = SPACE;
    for (let k = 0; k < word.length; k++) padded[k + 1] = word.charCodeAt(k);
    padded[length - 1] = SPACE;
    for (let i = 0; i + MIN_N <= length; i++) {
      let h = FNV_OFFSET;
      for (let n = 1; n <= MAX_N && i + n <= length; n++) {
        h = Math.imul(h ^ (padded[i + n - 1] as number), FNV_PRIME);
        if (n < MIN_N) continue;
        const bucket = (h >>> 0) & (NGRAM_BUCKETS - 1);
        if (counts[bucket] === 0) {
          touched[bucket >>> 5] = (touched[bucket >>> 5] as number) | (1 << (bucket & 31));
          size++;
        }
        counts[bucket] = (counts[bucket] as number) + 1;
      }
    }
  }
  const index = new Uint32Array(size);
  let next = 0;
  for (let w = 0; w < touched.length; w++) {
    let bits = touched[w] as number;
    if (bits === 0) continue;
    touched[w] = 0;
    while (bits !== 0) {
      const lowest = bits & -bits;
      index[next++] = (w << 5) | (31 - Math.clz32(lowest));
      bits ^= lowest;
    }
  }
  const value = new Float32Array(size);
  let norm = 0;
  for (let i = 0; i < size; i++) {
    const bucket = index[i] as number;
    const v = Math.log1p(counts[bucket] as number);
    counts[bucket] = 0;
    value[i] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < value.length; i++) value[i] = (value[i] as number) / norm;
  return { index, value };
}
