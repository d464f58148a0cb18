// The candidate gate: a broad match of every definition's `gate` terms (a Kazakhstan
// mention; military, contract and recruitment words in each of our languages). Only posts it lets
// through are encoded, which keeps the encoder's cost to the share of posts that could carry a
// narrative. It must almost never miss a positive (its recall on the corpus is reported by train).
import type { NarrativeDefinition } from '../narrative-schema.ts';
import { isDesignationLetters } from '../tokenise.ts';

/**
 * Every gate set's terms in one trie over word starts, each term marked with the bit of its set: what
 * `(?<![\p{L}\p{N}])(?:t1|t2|…)` matches per set, where `stem*` matches words starting with stem, a
 * plain term the whole word, a space any run of whitespace. One pass over the post finds the sets it
 * matches. The regular expressions (one per set, each trying every term at every position) were a
 * fifth of the pipeline's classifier time on long channel posts, for a test every post takes.
 */
type TrieNode = { next: Map<number, TrieNode>; space?: TrieNode; prefix: number; word: number };

const trieNode = (): TrieNode => ({ next: new Map(), prefix: 0, word: 0 });

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

/**
 * The scan for `terms`: called with a lower-cased text, it returns the bits of the sets whose terms
 * occur in it, stopping as soon as `enough(bits)` holds.
 */
function compileTrie(
  terms: readonly { term: string; bit: number }[],
): (lower: string, enough: (bits: number) => boolean) => number {
  const root = trieNode();
  for (const { term, bit } of terms) {
    const body = term.replace(/\*$/, '').toLowerCase().replace(/ +/g, ' ');
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
    if (term.endsWith('*')) node.prefix |= bit;
    else node.word |= bit;
  }
  /** The sets of every term that starts at `from`. */
  const walk = (text: string, from: number): number => {
    let bits = 0;
    let node: TrieNode | undefined = root;
    let i = from;
    // Where the term's last word starts: its letters may be a designation's (isDesignationLetters).
    let word = from;
    while (node) {
      bits |= node.prefix;
      if (
        node.word !== 0 &&
        (i >= text.length || (!isWordAt(text, i) && !isDesignationLetters(text, i, i - word)))
      )
        bits |= node.word;
      if (i >= text.length) break;
      const c = text.charCodeAt(i);
      if (node.space && WHITESPACE.has(c)) {
        // `\s+`: no term has whitespace right after a space, so the run is taken whole.
        node = node.space;
        while (i < text.length && WHITESPACE.has(text.charCodeAt(i))) i++;
        word = i;
        continue;
      }
      node = node.next.get(c);
      i++;
    }
    return bits;
  };
  const first = new Uint8Array(0x10000);
  for (const c of root.next.keys()) first[c] = 1;
  return (text, enough) => {
    let bits = 0;
    let afterWord = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (!afterWord && first[c] === 1) {
        bits |= walk(text, i);
        if (enough(bits)) return bits;
      }
      // isWordAt's table read inline (this loop runs over every character of every post); unmet
      // characters and surrogates go through it.
      const k = wordUnit[c] as number;
      if (k === 0 || (c & 0xf800) === 0xd800) {
        afterWord = isWordAt(text, i);
        // The second unit of a surrogate pair starts no word: its letter is the pair's.
        if ((c & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
      } else afterWord = k === 1;
    }
    return bits;
  };
}

export interface Gate {
  /** Whether the post may carry any narrative with a gate (one scan of the post: most stop here). */
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
  // A narrative opens when all its sets match: a bit per set, a mask per narrative.
  const own: { id: string; mask: number }[] = [];
  const terms: { term: string; bit: number }[] = [];
  let nextBit = 1;
  for (const def of definitions) {
    if (!def.gate) continue;
    const sets = Array.isArray(def.gate) ? def.gate : [def.gate];
    let mask = 0;
    for (const set of sets) {
      if (nextBit > 2 ** 30) throw new Error('gate: more than 31 term sets across the definitions');
      for (const term of new Set(Object.values(set).flat())) terms.push({ term, bit: nextBit });
      mask |= nextBit;
      nextBit *= 2;
    }
    own.push({ id: def.id, mask });
  }
  const narratives = own.map((o) => o.id);
  if (terms.length === 0) return { test: () => false, match: () => [], narratives };
  const scan = compileTrie(terms);
  const all = own.reduce((m, o) => m | o.mask, 0);
  const opens = (bits: number) => (o: (typeof own)[number]) => (bits & o.mask) === o.mask;
  const anyOpen = (bits: number) => own.some(opens(bits));
  return {
    test: (text) => anyOpen(scan(text.toLowerCase(), anyOpen)),
    match: (text) => {
      const bits = scan(text.toLowerCase(), (b) => b === all);
      return own.filter(opens(bits)).map((o) => o.id);
    },
    narratives,
  };
}
