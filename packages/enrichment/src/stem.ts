// A light suffix-stripping stemmer: enough for search to meet "контракт" with "контракта" and
// "келісімшарт" with "келісімшартқа", not a morphological analyser. Endings are tried longest first.
import { normaliseForMatching, type ScannedText, TokenKind } from './tokenise.ts';

const byLengthDesc = (list: string[]) => [...new Set(list)].sort((a, b) => b.length - a.length);

const RU_ENDINGS = byLengthDesc(
  (
    'иями ями ами ого его ому ему ыми ими ов ев ей ий ый ой ая яя ое ее ые ие ых их ом ем ам ям ах ях ую юю ' +
    'ешь ишь ете ите ет ит ут ют ат ят ть ла ло ли а я о е ы и у ю ь й'
  ).split(' '),
);
const UK_ENDINGS = byLengthDesc(
  (
    'ями ами ого ому ими ів їв ою ею ій ім их ая яя ое ее ої ів ом ем ам ям ах ях ую юю ' +
    'ння ення ете ите ет ить уть ють ати ити ти ла ло ли а я о е и і ї у ю ь й'
  ).split(' '),
);
// Kazakh is agglutinative: suffixes stack (келісім-шарт-тар-ға), so they are stripped repeatedly.
const KK_SUFFIXES = byLengthDesc(
  (
    'лар лер дар дер тар тер ның нің дың дің тың тің ға ге қа ке на не нда нде да де та те ' +
    'дан ден тан тен нан нен ды ді ты ті ны ні ын ін мен бен пен ым ім ың ің сы сі ған ген қан кен'
  ).split(' '),
);
const EN_SUFFIXES = byLengthDesc('ing edly ed s ly'.split(' '));

const KAZAKH_LETTERS = /[әғқңөұүһ]/;
const UKRAINIAN_LETTERS = /[їєґ]/;
const CYRILLIC = /[\u0400-\u04ff]/;

function inferLang(token: string): string {
  if (KAZAKH_LETTERS.test(token)) return 'kk';
  if (UKRAINIAN_LETTERS.test(token)) return 'uk';
  // і alone is shared: Ukrainian words nearly always have и too, Kazakh ones rarely (келісімшарт).
  if (token.includes('і')) return token.includes('и') ? 'uk' : 'kk';
  if (CYRILLIC.test(token)) return 'ru';
  return 'en';
}

function stripOnce(token: string, endings: readonly string[], minStem: number): string {
  for (const ending of endings) {
    if (token.length - ending.length >= minStem && token.endsWith(ending)) {
      return token.slice(0, token.length - ending.length);
    }
  }
  return token;
}

/** Stems one normalised token; `lang` is an ISO 639-1 hint, inferred from the letters when absent. */
export function stemToken(token: string, lang?: string): string {
  if (token.length < 4 || !/\p{L}/u.test(token)) return token;
  const language = lang === 'ru' || lang === 'uk' || lang === 'kk' || lang === 'en' ? lang : inferLang(token);
  switch (language) {
    case 'ru': {
      const base = token.endsWith('ся') || token.endsWith('сь') ? token.slice(0, -2) : token;
      return stripOnce(base, RU_ENDINGS, 3);
    }
    case 'uk': {
      const base = token.endsWith('ся') ? token.slice(0, -2) : token;
      return stripOnce(base, UK_ENDINGS, 3);
    }
    case 'kk': {
      let stem = token;
      for (let round = 0; round < 3; round++) {
        const next = stripOnce(stem, KK_SUFFIXES, 4);
        if (next === stem) break;
        stem = next;
      }
      return stem;
    }
    default: {
      if (token.endsWith('ies') && token.length > 4) return token.slice(0, -3) + 'y';
      if (token.endsWith('ss')) return token;
      // -es is a suffix only after a sibilant (boxes, matches); drones is drone + s.
      if (/(?:s|x|z|ch|sh)es$/.test(token)) return token.slice(0, -2);
      return stripOnce(token, EN_SUFFIXES, 3);
    }
  }
}

/** The normalised tokens of a text, stemmed and joined by spaces: the text a search field indexes. */
export function stemText(text: string, lang?: string): string {
  return normaliseForMatching(text)
    .map((token) => stemToken(token, lang))
    .join(' ');
}

// Posts repeat their words; a bounded memo of stems per word saves most of the suffix scans.
const MEMO_LIMIT = 50_000;
const memo = new Map<string, string>();

/**
 * The search text of a scanned post: its word tokens stemmed with the language inferred per word,
 * exactly as a query is stemmed, so that index and query always meet (a Kazakh post's Russian words
 * and the other way round included).
 */
export function stemScanned(scanned: ScannedText): string {
  const out: string[] = [];
  for (let i = 0; i < scanned.tokens.length; i++) {
    if (scanned.kinds[i] === TokenKind.feature) continue;
    const token = scanned.tokens[i] ?? '';
    let stem = memo.get(token);
    if (stem === undefined) {
      stem = stemToken(token);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(token, stem);
    }
    out.push(stem);
  }
  return out.join(' ');
}
