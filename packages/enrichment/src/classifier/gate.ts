// The candidate gate: a broad match of every definition's `gate` terms (a Kazakhstan
// mention; military, contract and recruitment words in each of our languages). Only posts it lets
// through are encoded, which keeps the encoder's cost to the share of posts that could carry a
// narrative. It must almost never miss a positive (its recall on the corpus is reported by train).
import type { NarrativeDefinition } from '../narrative-schema.ts';

/**
 * One gate set's terms as a trie over word starts: what `(?<![\p{L}\p{N}])(?:t1|t2|…)` matches, where
 * `stem*` matches words starting with stem, a plain term the whole word, a space any run of
 * whitespace. The regular expression tried each term at each position of the post: a fifth of the
 * pipeline's classifier time on long channel posts, for a test every post takes.
 */
type TrieNode = { next: Map<number, TrieNode>; space?: TrieNode; prefix: boolean; word: boolean };

const trieNode = (): TrieNode => ({ next: new Map(), prefix: false, word: false });

/** `\s` of JavaScript's regular expressions. */
const WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]);

const WORD_CHAR = /[\p{L}\p{N}]/u;
/** Letter-or-number class of each UTF-16 unit of the Basic Multilingual Plane, filled as met: 1 yes, 2 no. */
const wordUnit = new Uint8Array(0x10000);

/** Whether the code point that holds the UTF-16 unit at `i` is a letter or number. */
function isWordAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdfff) {
    const high = c >= 0xdc00 && i > 0 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800;
    return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(high ? i - 1 : i) as number));
  }
  let k = wordUnit[c] as number;
  if (k === 0) {
    k = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
    wordUnit[c] = k;
  }
  return k === 1;
}

function compileTrie(terms: Iterable<string>): (lower: string) => boolean {
  const root = trieNode();
  for (const raw of new Set(terms)) {
    const prefix = raw.endsWith('*');
    const body = raw.replace(/\*$/, '').toLowerCase().replace(/ +/g, ' ');
    if (body === '') continue;
    let node = root;
    for (let i = 0; i < body.length; i++) {
      const c = body.charCodeAt(i);
      if (c === 0x20) node = node.space ??= trieNode();
      else {
        const next = node.next.get(c) ?? trieNode();
        node.next.set(c, next);
        node = next;
      }
    }
    if (prefix) node.prefix = true;
    else node.word = true;
  }
  const walk = (text: string, from: number): boolean => {
    let node: TrieNode | undefined = root;
    let i = from;
    while (node) {
      if (node.prefix) return true;
      if (node.word && (i >= text.length || !isWordAt(text, i))) return true;
      if (i >= text.length) return false;
      const c = text.charCodeAt(i);
      if (node.space && WHITESPACE.has(c)) {
        // `\s+`: no term has whitespace right after a space, so the run is taken whole.
        node = node.space;
        while (i < text.length && WHITESPACE.has(text.charCodeAt(i))) i++;
        continue;
      }
      node = node.next.get(c);
      i++;
    }
    return false;
  };
  const first = new Uint8Array(0x10000);
  for (const c of root.next.keys()) first[c] = 1;
  return (text) => {
    let afterWord = false;
    for (let i = 0; i < text.length; i++) {
      if (!afterWord && first[text.charCodeAt(i)] === 1 && walk(text, i)) return true;
      afterWord = isWordAt(text, i);
      // The second unit of a surrogate pair starts no word: its letter is the pair's.
      if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    }
    return false;
  };
}

export interface Gate {
  /** Whether the post may carry any narrative with a gate (one regular expression: most posts stop here). */
  test(text: string): boolean;
  /**
   * The narratives whose own gate the post passes: a head scores only posts its narrative's gate
   * lets through (a classifieds post naming Almaty passes the Kazakhstan gate, not the military one,
   * and a recruitment head has never seen its like).
   */
  match(text: string): string[];
  /** Narratives whose definition has gate terms. */
  narratives: readonly string[];
}

export function compileGate(definitions: readonly NarrativeDefinition[]): Gate {
  const own: { id: string; sets: ((lower: string) => boolean)[] }[] = [];
  const all: string[] = [];
  for (const def of definitions) {
    if (!def.gate) continue;
    const sets = Array.isArray(def.gate) ? def.gate : [def.gate];
    const tries = sets.map((set) => compileTrie(Object.values(set).flat()));
    // The first set of each definition is the quick test for "any narrative".
    all.push(...Object.values(sets[0] ?? {}).flat());
    own.push({ id: def.id, sets: tries });
  }
  const narratives = own.map((o) => o.id);
  if (all.length === 0) return { test: () => false, match: () => [], narratives };
  const any = compileTrie(all);
  const opens = (lower: string) => (o: (typeof own)[number]) => o.sets.every((matches) => matches(lower));
  return {
    test: (text) => {
      const lower = text.toLowerCase();
      return any(lower) && own.some(opens(lower));
    },
    match: (text) => own.filter(opens(text.toLowerCase())).map((o) => o.id),
    narratives,
  };
}
