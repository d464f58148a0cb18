// 64-bit SimHash over the normalised tokens (unigrams and bigrams), kept as two 32-bit halves so no
// BigInt is needed on the hot path. Near copies differ in a few bits; the four 16-bit band keys let
// Elasticsearch find candidates with a terms query (two posts within 3 bits share at least one band).
import { normaliseForMatching } from './tokenise.ts';

export interface Fingerprint {
  /** 16 lowercase hex characters. */
  fingerprint: string;
  /** "0:abcd", "1:…", "2:…", "3:…": one key per 16-bit band. */
  bands: string[];
}

const BANDS = 4;

function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A murmur3-style finaliser: spreads the bits of a combined hash. */
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Counts set bits; the sign of (2 * set - features) decides each output bit, so no -1 branch is needed.
function addFeature(counts: Int32Array, hi: number, lo: number): void {
  for (let bit = 0; bit < 32; bit++) {
    counts[bit] = (counts[bit] ?? 0) + ((hi >>> bit) & 1);
    counts[bit + 32] = (counts[bit + 32] ?? 0) + ((lo >>> bit) & 1);
  }
}

function toHex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** SimHash of a list of normalised tokens. */
export function simhashTokens(tokens: readonly string[]): string {
  const counts = new Int32Array(64);
  let prevHi = 0;
  let prevLo = 0;
  let features = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const hi = fnv1a(token, 0x811c9dc5);
    const lo = fnv1a(token, 0x01234567);
    addFeature(counts, hi, lo);
    features++;
    // Bigrams carry word order, so a reshuffled text is not a copy.
    if (i > 0) {
      addFeature(counts, mix(prevHi ^ Math.imul(hi, 31)), mix(prevLo ^ Math.imul(lo, 37)));
      features++;
    }
    prevHi = hi;
    prevLo = lo;
  }
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (2 * (counts[bit] ?? 0) > features) hi |= 1 << bit;
    if (2 * (counts[bit + 32] ?? 0) > features) lo |= 1 << bit;
  }
  return toHex(hi) + toHex(lo);
}

/** Band keys of a 16-hex fingerprint. */
export function bandKeys(fingerprint: string): string[] {
  const width = fingerprint.length / BANDS;
  const keys: string[] = [];
  for (let band = 0; band < BANDS; band++)
    keys.push(`${band}:${fingerprint.slice(band * width, (band + 1) * width)}`);
  return keys;
}

export function fingerprint(text: string): Fingerprint {
  const hex = simhashTokens(normaliseForMatching(text));
  return { fingerprint: hex, bands: bandKeys(hex) };
}

function popcount(value: number): number {
  let v = value >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Number of differing bits between two 16-hex fingerprints. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== 16 || b.length !== 16)
    throw new Error('hammingDistance: fingerprints must be 16 hex chars');
  const hi = Number.parseInt(a.slice(0, 8), 16) ^ Number.parseInt(b.slice(0, 8), 16);
  const lo = Number.parseInt(a.slice(8), 16) ^ Number.parseInt(b.slice(8), 16);
  return popcount(hi) + popcount(lo);
}
