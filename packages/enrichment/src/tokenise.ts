// One hand-written scanner for every consumer (language detection, narrative matching, fingerprints,
// search analysis). It is a char-code loop over a class table rather than Intl.Segmenter or a regex:
// enrichment runs on every post and the budget is tens of microseconds. Word boundaries follow the
// Unicode word rules that matter here: letters, marks and digits form words, apostrophes join letters
// (Ukrainian об'єкт, Uzbek oʻzbek), hyphens, punctuation, emoji and spaces separate.
import { foldHomoglyphs } from './homoglyphs.ts';

export const TokenKind = { word: 0, number: 1, hashtag: 2, feature: 3 } as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

/** Feature tokens stand for structure that the words alone do not show. */
export const FEATURE = { link: '$link', mention: '$mention', phone: '$phone' } as const;

export interface ScannedText {
  /** Normalised tokens: lowercase, ё→е, one apostrophe, homoglyphs folded; or a feature / currency sign. */
  tokens: string[];
  kinds: TokenKind[];
  /** Offsets of each token in the original text, for evidence. */
  starts: number[];
  ends: number[];
}

const C_OTHER = 0;
const C_LETTER = 1;
const C_DIGIT = 2;
const C_APOS = 3;
const C_JOIN = 4;
const C_CURRENCY = 5;
const C_AT = 6;
const C_PLUS = 7;
const C_SPACE = 8;

const CLASS = buildClassTable();

function buildClassTable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const letter = /[\p{L}\p{M}]/u;
  const digit = /\p{Nd}/u;
  const currency = /\p{Sc}/u;
  const space = /\s/u;
  for (let code = 0; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue; // astral (emoji): separators
    const ch = String.fromCharCode(code);
    if (letter.test(ch)) table[code] = C_LETTER;
    else if (digit.test(ch)) table[code] = C_DIGIT;
    else if (currency.test(ch)) table[code] = C_CURRENCY;
    else if (space.test(ch)) table[code] = C_SPACE;
  }
  for (const ch of "'’‘ʼʻ`") table[ch.charCodeAt(0)] = C_APOS;
  table[0x5f] = C_JOIN; // _ inside handles and snake_case words
  table[0x40] = C_AT;
  table[0x2b] = C_PLUS;
  return table;
}

const URL_START = /(?:https?:\/\/|www\.|t\.me\/|telegram\.me\/)/iy;
const APOSTROPHES = /[’‘ʼʻ`]/g;

// Words repeat across posts, so normalised forms are memoised (bounded; cleared when full).
const NORMALISED = new Map<string, string>();
const NORMALISED_LIMIT = 100_000;

function normaliseToken(raw: string): string {
  const cached = NORMALISED.get(raw);
  if (cached !== undefined) return cached;
  const token = normaliseUncached(raw);
  if (NORMALISED.size >= NORMALISED_LIMIT) NORMALISED.clear();
  NORMALISED.set(raw, token);
  return token;
}

function normaliseUncached(raw: string): string {
  let token = raw.toLowerCase();
  let yo = false;
  let apostrophe = false;
  let latin = false;
  let cyrillic = false;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code >= 0x400 && code <= 0x52f) {
      cyrillic = true;
      if (code === 0x451) yo = true;
    } else if (code < 0x250 && code >= 0x61) latin = true;
    else if (CLASS[code] === C_APOS && code !== 0x27) apostrophe = true;
  }
  if (yo) token = token.replaceAll('ё', 'е');
  if (apostrophe) token = token.replace(APOSTROPHES, "'");
  return latin && cyrillic ? foldHomoglyphs(token) : token;
}

function isWordClass(cls: number): boolean {
  return cls === C_LETTER || cls === C_DIGIT || cls === C_JOIN;
}

function pushToken(out: ScannedText, token: string, kind: TokenKind, start: number, end: number): void {
  out.tokens.push(token);
  out.kinds.push(kind);
  out.starts.push(start);
  out.ends.push(end);
}

/** Longest word read as a model designation's letters when a hyphen and a digit follow it. */
const DESIGNATION_LETTERS = 3;

/**
 * Whether the word ending at `end` (`length` units long) is the letters of a model designation such as
 * "РК-360МЦ", "Су-27" or "Т-72": a short word, a hyphen, a digit. Such letters are no word: "РК" there is
 * a missile complex, not the Republic of Kazakhstan.
 */
export function isDesignationLetters(text: string, end: number, length: number): boolean {
  if (length > DESIGNATION_LETTERS) return false;
  const hyphen = text.charCodeAt(end);
  return (
    (hyphen === 0x2d || hyphen === 0x2010 || hyphen === 0x2011) && CLASS[text.charCodeAt(end + 1)] === C_DIGIT
  );
}

/** Scans a text into normalised tokens. With `features`, links, mentions and phones become feature tokens. */
export function scan(text: string): ScannedText {
  const out: ScannedText = { tokens: [], kinds: [], starts: [], ends: [] };
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    const cls = CLASS[code] ?? C_OTHER;
    if (cls === C_LETTER || cls === C_DIGIT) {
      const first = code | 0x20;
      if (first === 0x68 || first === 0x77 || first === 0x74) {
        URL_START.lastIndex = i;
        if (URL_START.test(text)) {
          const start = i;
          while (i < n && CLASS[text.charCodeAt(i)] !== C_SPACE) i++;
          pushToken(out, FEATURE.link, TokenKind.feature, start, i);
          continue;
        }
      }
      i = scanWord(text, i, out);
      continue;
    }
    if (cls === C_AT && i + 1 < n && isWordClass(CLASS[text.charCodeAt(i + 1)] ?? C_OTHER)) {
      const start = i++;
      while (i < n && isWordClass(CLASS[text.charCodeAt(i)] ?? C_OTHER)) i++;
      pushToken(out, FEATURE.mention, TokenKind.feature, start, i);
      continue;
    }
    if (cls === C_PLUS && i + 1 < n && CLASS[text.charCodeAt(i + 1)] === C_DIGIT) {
      const end = scanPhone(text, i + 1);
      if (end > 0) {
        pushToken(out, FEATURE.phone, TokenKind.feature, i, end);
        i = end;
        continue;
      }
    }
    if (cls === C_CURRENCY) pushToken(out, text[i] ?? '', TokenKind.feature, i, i + 1);
    i++;
  }
  return out;
}

/** Scans one word from `start`; letters and digits glued together ("300к") become two tokens. */
function scanWord(text: string, start: number, out: ScannedText): number {
  const n = text.length;
  const hashtag = start > 0 && text.charCodeAt(start - 1) === 0x23;
  let i = start;
  let segStart = start;
  let segDigits = CLASS[text.charCodeAt(start)] === C_DIGIT;
  while (i <= n) {
    const cls = i < n ? (CLASS[text.charCodeAt(i)] ?? C_OTHER) : C_OTHER;
    if (cls === C_APOS && !segDigits && i > segStart && CLASS[text.charCodeAt(i + 1)] === C_LETTER) {
      i++;
      continue;
    }
    const digit = cls === C_DIGIT;
    const wordChar = digit || cls === C_LETTER || cls === C_JOIN;
    if (wordChar && digit === segDigits) {
      i++;
      continue;
    }
    // End of a segment: a separator, or a letter/digit switch.
    if (i > segStart) {
      const raw = text.slice(segStart, i);
      const kind = segDigits ? TokenKind.number : hashtag ? TokenKind.hashtag : TokenKind.word;
      pushToken(out, segDigits ? raw : normaliseToken(raw), kind, segStart, i);
    }
    if (!wordChar) break;
    segStart = i;
    segDigits = digit;
  }
  return i;
}

/** A phone number: "+" then at least 8 digits (or X placeholders) with spaces, dashes, brackets. */
function scanPhone(text: string, from: number): number {
  let i = from;
  let digits = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (CLASS[ch] === C_DIGIT || ch === 0x58 || ch === 0x78) digits++;
    else if (ch !== 0x20 && ch !== 0x2d && ch !== 0x28 && ch !== 0x29) break;
    i++;
  }
  while (i > from && text.charCodeAt(i - 1) === 0x20) i--;
  return digits >= 8 ? i : -1;
}

/** Normalised word and number tokens of a text (no links, mentions, phones): the search analysis. */
export function normaliseForMatching(text: string): string[] {
  const scanned = scan(text);
  const tokens: string[] = [];
  for (let i = 0; i < scanned.tokens.length; i++) {
    if (scanned.kinds[i] !== TokenKind.feature) tokens.push(scanned.tokens[i] ?? '');
  }
  return tokens;
}
