// A term of a narrative definition: one word, a stem with a trailing * ("контракт*"), a feature
// ($link, $mention, $phone, $number, or a currency sign), or a phrase of those separated by spaces
// whose words must all occur within the group's proximity window, in any order (Russian and Kazakh
// word order is free: "подписать контракт" / "контракт подписать").
import { FEATURE, scan } from './tokenise.ts';

export interface TermPart {
  /** Normalised text of the part; for a stem, its prefix. */
  text: string;
  prefix: boolean;
}

export interface ParsedTerm {
  parts: TermPart[];
  error?: string;
}

/** Any number token: lets a phrase say "a number, then млн". */
export const NUMBER_PART = '$number';
const SPECIAL_PARTS = new Set<string>([NUMBER_PART, FEATURE.link, FEATURE.mention, FEATURE.phone]);
/** A stem shorter than this matches too many words to be evidence. */
const MIN_PREFIX = 3;

export function parseTerm(term: string): ParsedTerm {
  const parts: TermPart[] = [];
  for (const word of term.trim().split(/\s+/)) {
    if (SPECIAL_PARTS.has(word)) {
      parts.push({ text: word, prefix: false });
      continue;
    }
    const prefix = word.endsWith('*');
    const body = prefix ? word.slice(0, -1) : word;
    if (body.includes('*')) return { parts, error: 'a * may only end a word' };
    const tokens = scan(body).tokens;
    if (tokens.length === 0) return { parts, error: 'has no letters, digits or currency sign' };
    tokens.forEach((text, i) => {
      parts.push({ text, prefix: prefix && i === tokens.length - 1 });
    });
    const last = parts[parts.length - 1];
    if (prefix && last && last.text.length < MIN_PREFIX) {
      return { parts, error: `a stem needs at least ${MIN_PREFIX} characters before the *` };
    }
  }
  if (parts.length > 6) return { parts, error: 'a phrase may have at most 6 words' };
  return { parts };
}
