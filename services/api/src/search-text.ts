// The user's search text, in simple query syntax, made safe and prepared for both fields:
// - `query` for `text` (standard analyser: exact words), with wildcards only as a prefix of at
//   least three letters (a bare `*` or `a*` would expand to most of the index);
// - `stems` for `textStems`, every word replaced by its stems as the pipeline's stemmer makes them.
//   The indexed stem used the post's detected language, which may be wrong for short posts, so
//   outside phrases a word matches the stem of any of our languages: (s_ru | s_kk | …).
// The query goes to simple_query_string, which has no field syntax and never fails on bad syntax,
// so `*:*`, `_exists_:x` or a JSON script are only words.

export type Stemmer = (text: string, lang?: string) => string;
export type Normaliser = (text: string) => string[];

const LANGS = ['ru', 'kk', 'uk', 'en'];
const MAX_WORDS = 32;
const MIN_PREFIX = 3;

export class SearchTextError extends Error {}

function safePrefixes(chunk: string): string {
  // Keep a trailing * only after at least MIN_PREFIX letters or digits; drop every other *.
  return chunk.replace(/(\\?)\*+/g, (star, escaped: string, offset: number) => {
    if (escaped) return star;
    const before = chunk.slice(0, offset).match(/[\p{L}\p{N}]+$/u)?.[0] ?? '';
    return before.length >= MIN_PREFIX ? '*' : '';
  });
}

export function prepareSearchText(
  q: string,
  stem: Stemmer,
  normalise: Normaliser,
): { query: string; stems: string } {
  const chunks = q.trim().split(/\s+/).filter(Boolean);
  if (chunks.length > MAX_WORDS) throw new SearchTextError(`expected at most ${MAX_WORDS} words`);
  const query: string[] = [];
  const stems: string[] = [];
  let inPhrase = false;
  for (const raw of chunks) {
    const chunk = safePrefixes(raw.replace(/~\d*/g, ''));
    query.push(chunk);
    const [, lead = '', core = '', trail = ''] = /^([+\-|(")]*)(.*?)([)"*]*)$/u.exec(chunk) ?? [];
    const quotes = (lead + trail).split('"').length - 1;
    const phraseWord = inPhrase || lead.includes('"');
    let replacement: string;
    if (trail.includes('*')) {
      // A prefix: normalised, not stemmed (the stem may be shorter than what was typed).
      replacement = normalise(core).join('');
    } else if (phraseWord) {
      replacement = stem(core);
    } else {
      const tokens = normalise(core);
      if (tokens.length === 0) replacement = '';
      else {
        const variants = tokens.map((token) => {
          const forms = [...new Set([stem(token), ...LANGS.map((lang) => stem(token, lang))])].filter(
            Boolean,
          );
          return forms.length > 1 ? `(${forms.join(' | ')})` : (forms[0] ?? '');
        });
        replacement = variants.length > 1 ? `(${variants.join(' ')})` : (variants[0] ?? '');
      }
    }
    if (quotes % 2 === 1) inPhrase = !inPhrase;
    if (replacement || lead || trail) stems.push(`${lead}${replacement}${trail}`);
  }
  return { query: query.join(' '), stems: stems.join(' ') };
}
