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
  /** Phrase words must appear in the order written (the default; a leading ~ lifts it). */
  ordered: boolean;
  error?: string;
}

/** Any number token: lets a phrase say "a number, then млн". */
export const NUMBER_PART = '$number';
const SPECIAL_PARTS = new Set<string>([NUMBER_PART, FEATURE.link, FEATURE.mention, FEATURE.phone]);
/** A stem shorter than this matches too many words to be evidence (one less inside a phrase). */
const MIN_PREFIX = 3;

export function parseTerm(term: string): ParsedTerm {
  const parts: TermPart[] = [];
  const trimmed = term.trim();
  const ordered = !trimmed.startsWith('~');
  for (const word of (ordered ? trimmed : trimmed.slice(1)).trim().split(/\s+/)) {
    if (SPECIAL_PARTS.has(word)) {
      parts.push({ text: word, prefix: false });
      continue;
    }
    const prefix = word.endsWith('*');
    const body = prefix ? word.slice(0, -1) : word;
    if (body.includes('*')) return { parts, ordered, error: 'a * may only end a word' };
    const tokens = scan(body).tokens;
    if (tokens.length === 0) return { parts, ordered, error: 'has no letters, digits or currency sign' };
    tokens.forEach((text, i) => {
      parts.push({ text, prefix: prefix && i === tokens.length - 1 });
    });
  }
  // In a phrase the other words narrow a short stem down ("алаң ет*"); alone it would match too much.
  const minPrefix = parts.length === 1 ? MIN_PREFIX : MIN_PREFIX - 1;
  if (parts.some((part) => part.prefix && part.text.length < minPrefix)) {
    return { parts, ordered, error: `a stem needs at least ${minPrefix} characters before the *` };
  }
  if (parts.length > 6) return { parts, ordered, error: 'a phrase may have at most 6 words' };
  return { parts, ordered };
}
