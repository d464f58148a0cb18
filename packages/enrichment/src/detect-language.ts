// Language identification tuned for short Telegram posts: franc (trigram models) restricted to the
// candidate languages and to a bounded sample, plus letter and function-word evidence that decides
// most posts on its own. Text with almost no letters left after cleaning is 'und', not a guess.
import { franc, francAll } from 'franc';
import { addLetterEvidence, addWordEvidence, EVIDENCE_LANGS, LANG_INDEX } from './language-evidence.ts';
import { type ScannedText, scan, TokenKind } from './tokenise.ts';

/** Central Asian languages plus English: the default candidate set. */
export const DEFAULT_LANGUAGES: readonly string[] = ['ru', 'kk', 'en', 'uk', 'ky', 'uz', 'tg'];

export interface DetectedLanguage {
  lang: string;
  confidence: number;
}

export interface DetectLanguageOptions {
  candidates?: readonly string[];
}

/** ISO 639-1 → the ISO 639-3 code of franc's model. */
const FRANC_CODES: Record<string, string> = {
  ru: 'rus',
  kk: 'kaz',
  en: 'eng',
  uk: 'ukr',
  ky: 'kir',
  uz: 'uzn',
  tg: 'tgk',
  be: 'bel',
  bg: 'bul',
  tt: 'tat',
  tr: 'tur',
  az: 'azj',
  tk: 'tuk',
  de: 'deu',
  fr: 'fra',
  es: 'spa',
  it: 'ita',
  pl: 'pol',
  zh: 'cmn',
  ar: 'arb',
  fa: 'pes',
};
const FROM_FRANC = new Map(Object.entries(FRANC_CODES).map(([one, three]) => [three, one]));

const CYRILLIC_LANGS = new Set(['ru', 'uk', 'kk', 'ky', 'tg', 'uz', 'be', 'bg', 'tt']);
// Russian is also written in Latin transliteration in informal posts ("kontrakt, pishi v lichku").
const LATIN_LANGS = new Set(['en', 'uz', 'kk', 'ru', 'tr', 'az', 'tk', 'de', 'fr', 'es', 'it', 'pl']);

/** Words of a post looked at: the first 40 decide. */
const MAX_WORDS = 40;
/** Fewer letters than this (an emoji, a link, a number, "ok") carries no language. */
const MIN_LETTERS = 3;
/** Evidence margin above which franc is not consulted (a Tajik ҷ, a Ukrainian ї, five Russian words). */
const DECISIVE_MARGIN = 4.5;
/** franc's cost grows with length; a bounded sample of the cleaned text is enough for the trigrams. */
const FRANC_SAMPLE_CHARS = 90;
/**
 * franc scores are relative (best = 1, others below); this scales them into points. On a short
 * sample its spread is mostly noise, so its weight grows with the number of letters sampled.
 */
function francWeight(letters: number): number {
  return 1.5 + 8.5 * Math.min(1, letters / 120);
}
/**
 * Priors settle letter-poor ties: the monitored channels write mostly in Russian; Latin text with no
 * evidence is more likely English than transliterated Russian, which has to show its function words.
 */
const PRIOR: Record<'cyrillic' | 'latin', Record<string, number>> = {
  cyrillic: { ru: 0.6 },
  latin: { en: 0.3, ru: -0.5 },
};

function isCyrillic(code: number): boolean {
  return code >= 0x400 && code <= 0x52f;
}

function isLatinLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0xc0 && code <= 0x24f) || code === 0x2bb;
}

/** Scores of the pool: evidence languages by index, any other candidate only from franc. */
type PoolScores = Map<string, number>;

function best(scores: PoolScores): [string, number, number] {
  let top = '';
  let topScore = Number.NEGATIVE_INFINITY;
  let second = Number.NEGATIVE_INFINITY;
  for (const [lang, score] of scores) {
    if (score > topScore) {
      second = topScore;
      topScore = score;
      top = lang;
    } else if (score > second) second = score;
  }
  return [top, topScore, second];
}

export function detectLanguage(text: string, options: DetectLanguageOptions = {}): DetectedLanguage {
  return detectScanned(text, scan(text), options.candidates ?? DEFAULT_LANGUAGES);
}

/** detectLanguage on an already scanned text (enrich scans a post once for every step). */
export function detectScanned(
  text: string,
  scanned: ScannedText,
  candidates: readonly string[],
): DetectedLanguage {
  // Cleaning: only words count; links, mentions, hashtags, numbers and emoji are dropped. A bounded
  // prefix is enough to tell the language and keeps long posts as cheap as short ones.
  const words: string[] = [];
  let cyrillic = 0;
  let latin = 0;
  let other = 0;
  for (let i = 0; i < scanned.tokens.length && words.length < MAX_WORDS; i++) {
    if (scanned.kinds[i] !== TokenKind.word) continue;
    const word = scanned.tokens[i] ?? '';
    words.push(word);
    for (let c = 0; c < word.length; c++) {
      const code = word.charCodeAt(c);
      if (code === 0x27) continue;
      if (isCyrillic(code)) cyrillic++;
      else if (isLatinLetter(code)) latin++;
      else other++;
    }
  }
  if (cyrillic + latin + other < MIN_LETTERS) return { lang: 'und', confidence: 0 };

  if (other > cyrillic + latin) return detectWithFranc(words.join(' '), candidates);
  const script = cyrillic >= latin ? 'cyrillic' : 'latin';
  const scriptLangs = script === 'cyrillic' ? CYRILLIC_LANGS : LATIN_LANGS;
  const pool = candidates.filter((lang) => scriptLangs.has(lang));
  if (pool.length === 0) return { lang: 'und', confidence: 0 };

  const evidence = new Float64Array(EVIDENCE_LANGS.length);
  const hasYo = script === 'cyrillic' && (text.includes('ё') || text.includes('Ё'));
  addLetterEvidence(evidence, words, script, hasYo);
  addWordEvidence(evidence, words);
  const scores: PoolScores = new Map();
  for (const lang of pool) {
    const index = LANG_INDEX.get(lang);
    const prior = PRIOR[script][lang] ?? 0;
    scores.set(lang, prior + (index === undefined ? 0 : (evidence[index] ?? 0)));
  }

  if (pool.length === 1) {
    // Latin text with Russian as the only candidate is Russian only if it reads like transliteration.
    const only = pool[0] ?? 'und';
    const secondary = script === 'latin' && only === 'ru';
    return !secondary || (scores.get(only) ?? 0) > 0
      ? { lang: only, confidence: 0.5 }
      : { lang: 'und', confidence: 0 };
  }
  let [top, topScore, second] = best(scores);
  // Below a dozen letters franc's trigrams are noise; the letters and words decide alone.
  if (topScore - second < DECISIVE_MARGIN && cyrillic + latin >= 10) {
    addFrancEvidence(scores, words.join(' '), francWeight(cyrillic + latin));
    [top, topScore, second] = best(scores);
  }
  const letters = cyrillic + latin;
  const margin = topScore - second;
  const certainty = 1 / (1 + Math.exp(-margin / 1.5));
  const lengthFactor = 0.7 + 0.3 * Math.min(1, letters / 40);
  return { lang: top, confidence: Math.round(certainty * lengthFactor * 100) / 100 };
}

function addFrancEvidence(scores: PoolScores, cleaned: string, weight: number): void {
  // franc can take at most `weight` points from a language, so one already further behind the leader
  // cannot win: it is not compared (franc's cost grows with each model) and takes the full penalty.
  let top = Number.NEGATIVE_INFINITY;
  for (const score of scores.values()) top = Math.max(top, score);
  const pool: string[] = [];
  for (const [lang, score] of scores) {
    if (score >= top - weight) pool.push(lang);
    else scores.set(lang, score - weight);
  }
  const only = pool.map((lang) => FRANC_CODES[lang]).filter((code): code is string => code !== undefined);
  const sample = cleaned.length > FRANC_SAMPLE_CHARS ? cleaned.slice(0, FRANC_SAMPLE_CHARS) : cleaned;
  // One model left has nothing to be compared with; none left must not mean "every model" to franc.
  const ranked = only.length > 1 ? francAll(sample, { only, minLength: 1 }) : [];
  const seen = new Set<string>();
  let sum = 0;
  for (const [code, score] of ranked) {
    const lang = FROM_FRANC.get(code);
    if (!lang || !scores.has(lang)) continue;
    seen.add(lang);
    sum += score;
    scores.set(lang, (scores.get(lang) ?? 0) + weight * (score - 1));
  }
  // A language franc has no model for in this script (Latin Kazakh) gets the mean franc score: no
  // opinion either way.
  const mean = seen.size > 0 ? sum / seen.size : 1;
  for (const lang of pool) {
    if (!seen.has(lang)) scores.set(lang, (scores.get(lang) ?? 0) + weight * (mean - 1));
  }
}

function detectWithFranc(cleaned: string, candidates: readonly string[]): DetectedLanguage {
  const only = candidates
    .map((lang) => FRANC_CODES[lang])
    .filter((code): code is string => code !== undefined);
  const ranked = francAll(cleaned.slice(0, FRANC_SAMPLE_CHARS * 2), { only, minLength: MIN_LETTERS });
  const [code, score] = ranked[0] ?? ['und', 0];
  const lang = FROM_FRANC.get(code);
  if (!lang) return { lang: 'und', confidence: 0 };
  const next = ranked[1]?.[1] ?? 0;
  return { lang, confidence: Math.round(Math.min(1, 0.5 + (score - next) * 2) * 100) / 100 };
}

/**
 * Plain franc on the raw text, mapped to ISO 639-1 ('und' otherwise): the baseline the benchmark and
 * evaluations compare against. `candidates` restricts franc as detectLanguage does; without it franc
 * considers every language it knows.
 */
export function francBaseline(text: string, candidates?: readonly string[]): string {
  const only = candidates
    ?.map((lang) => FRANC_CODES[lang])
    .filter((code): code is string => code !== undefined);
  const code = only ? franc(text, { only }) : franc(text);
  return FROM_FRANC.get(code) ?? 'und';
}
