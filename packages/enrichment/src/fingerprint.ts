// 64-bit SimHash over the normalised tokens (unigrams and bigrams), kept as two 32-bit halves so no
// BigInt is needed on the hot path. Near copies differ in a few bits; the four 16-bit band keys let
// Elasticsearch find candidates with a terms query (two posts within 3 bits share at least one band).
import { normaliseForMatching, TokenKind } from './tokenise.ts';

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

/** Counter bit-planes per 32-bit half: counts up to 2^16 - 1 features per bit. */
const PLANES = 16;

/**
 * Adds one feature's 32 bits to 32 counters kept as bit-planes (a ripple-carry adder across words):
 * a couple of word operations per feature instead of 32 counter updates.
 */
function addBits(planes: Int32Array, bits: number): void {
  let carry = bits;
  for (let k = 0; k < PLANES && carry !== 0; k++) {
    const plane = planes[k] ?? 0;
    planes[k] = plane ^ carry;
    carry &= plane;
  }
}

/**
 * The bits whose counter exceeds `threshold`: a bit-sliced comparison of all 32 counters at once,
 * from the most significant plane down (one pass over the planes instead of one per bit).
 */
function countersAbove(planes: Int32Array, threshold: number): number {
  let above = 0;
  let equal = -1;
  for (let k = PLANES - 1; k >= 0; k--) {
    const plane = planes[k] ?? 0;
    const t = (threshold >>> k) & 1 ? -1 : 0;
    above |= equal & plane & ~t;
    equal &= ~(plane ^ t);
  }
  return above;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function toHex(value: number): string {
  return (
    (HEX[(value >>> 24) & 0xff] ?? '') +
    (HEX[(value >>> 16) & 0xff] ?? '') +
    (HEX[(value >>> 8) & 0xff] ?? '') +
    (HEX[value & 0xff] ?? '')
  );
}

/** SimHash of normalised tokens; with `kinds` (from scan), feature tokens (links, mentions) are left out. */
export function simhashTokens(tokens: readonly string[], kinds?: readonly TokenKind[]): string {
  const hiPlanes = new Int32Array(PLANES);
  const loPlanes = new Int32Array(PLANES);
  let prevHi = 0;
  let prevLo = 0;
  let features = 0;
  let words = 0;
  const feature: TokenKind = TokenKind.feature;
  for (let i = 0; i < tokens.length; i++) {
    if (kinds !== undefined && kinds[i] === feature) continue;
    const token = tokens[i] ?? '';
    const hi = fnv1a(token, 0x811c9dc5);
    // The low half is derived from the high one: one pass over the characters per token.
    const lo = mix(hi ^ 0x9e3779b9);
    addBits(hiPlanes, hi);
    addBits(loPlanes, lo);
    features++;
    // Bigrams carry word order, so a reshuffled text is not a copy.
    if (words++ > 0) {
      addBits(hiPlanes, mix(prevHi ^ Math.imul(hi, 31)));
      addBits(loPlanes, mix(prevLo ^ Math.imul(lo, 37)));
      features++;
    }
    prevHi = hi;
    prevLo = lo;
  }
  // A bit is set when more than half of the features have it set: 2c > f, that is c > floor(f / 2).
  const half = Math.floor(features / 2);
  return toHex(countersAbove(hiPlanes, half)) + toHex(countersAbove(loPlanes, half));
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
