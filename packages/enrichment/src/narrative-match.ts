// Tags a post with narratives in one pass over its normalised tokens: each token is looked up once in
// the exact map and walked once down the stem trie (memoised per token), and records its position on the
// atoms it hits. One-word terms and phrases (checked for order and proximity) are read from those
// position lists; then groups are scored and exclusions applied.
import { classifierText, withoutDecoration } from './decoration.ts';
import type { CompiledNarratives } from './narrative-compile.ts';
import { isDesignationLetters, type ScannedText, scan, TokenKind } from './tokenise.ts';

export interface NarrativeSignal {
  group: string;
  term: string;
  /** The words of the post that matched, joined by a space. */
  matched: string;
}

export interface NarrativeEvidence {
  narrative: string;
  /** The rules' score (0 when only the classifier tagged the post). */
  score: number;
  signals: NarrativeSignal[];
  /** The trained head's probability, its threshold and the encoder, when the post was a candidate. */
  classifier?: {
    score: number;
    threshold: number;
    veto: number;
    model: string;
    stance?: number;
    /** The paragraphs (1-based) the scores were read in, when a pair of a long post was tagged. */
    paragraphs?: [number, number];
  };
  /** The labelled training passages nearest to the post in the encoder's space. */
  nearest?: { url: string; narratives: string[]; similarity: number; text: string }[];
}

export interface NarrativeTags {
  narratives: string[];
  narrativeEvidence: NarrativeEvidence[];
}

/** The full verdict for one definition, tagged or not: what the eval report and tuning look at. */
export interface NarrativeVerdict extends NarrativeEvidence {
  tagged: boolean;
  /** Exclusion signals that matched. */
  exclusions: NarrativeSignal[];
  /**
   * Why the rules did not tag the post, if so: an exclusion cancelled it, a `require` list is unmet,
   * the score is under the threshold, or the required groups meet only across paragraphs (`requireIn`).
   */
  reason?: 'below-threshold' | 'missing-required' | 'across-paragraphs' | 'cancelled';
}

/** Positions, per part, of a term's words in the post. */
type PartPositions = readonly (readonly number[])[];

const NO_ATOMS: readonly number[] = [];
const NO_POSITIONS: number[] = [];
/** Positions kept per atom in a post. */
const MAX_POSITIONS = 64;
const ATOM_CACHE_LIMIT = 100_000;

/** The atoms a token hits: exact words and every stem that prefixes it. */
function atomsOf(compiled: CompiledNarratives, token: string): readonly number[] {
  const cached = compiled.atomCache.get(token);
  if (cached) return cached;
  let atoms: number[] | undefined;
  const exact = compiled.exact.get(token);
  if (exact) atoms = [...exact];
  let node = compiled.stems.next.get(token.charCodeAt(0));
  for (let c = 1; node && c <= token.length; c++) {
    if (node.atoms) atoms = atoms ? atoms.concat(node.atoms) : [...node.atoms];
    node = c < token.length ? node.next.get(token.charCodeAt(c)) : undefined;
  }
  const result = atoms ?? NO_ATOMS;
  if (compiled.atomCache.size >= ATOM_CACHE_LIMIT) compiled.atomCache.clear();
  compiled.atomCache.set(token, result);
  return result;
}

/** A term found in the post, with the token positions of its words. */
interface TermMatch {
  term: number;
  positions: number[];
}

/** Negators before a word (ru/uk не, en not/no) or after it (kk емес). */
const NEGATORS_BEFORE = new Set(['не', 'not', 'no', 'ні', 'нет']);
const NEGATORS_AFTER = new Set(['емес', 'эмес']);

/**
 * "это не фейк", "бұл жалған емес": a recruiter denying the debunk is not a debunk; "это не законно" is
 * not a claim of legality.
 */
function negated(tokens: readonly string[], position: number): boolean {
  return NEGATORS_BEFORE.has(tokens[position - 1] ?? '') || NEGATORS_AFTER.has(tokens[position + 1] ?? '');
}

/** Adds a match unless its group already has one on the same words; then the more specific term stays. */
function addMatch(
  compiled: CompiledNarratives,
  seen: Map<string | number, number>,
  found: TermMatch[],
  term: number,
  positions: number[],
): void {
  const t = compiled.terms[term];
  const groupKey = ((t?.definition ?? 0) << 10) | (t?.group ?? 0);
  // A number key for one-word matches (the common case) avoids building a string per match.
  const key =
    positions.length === 1 ? groupKey * 0x100000 + (positions[0] ?? 0) : `${groupKey}:${positions.join(',')}`;
  const earlier = seen.get(key);
  if (earlier === undefined) {
    seen.set(key, found.length);
    found.push({ term, positions });
    return;
  }
  const kept = found[earlier];
  if (kept && (compiled.terms[kept.term]?.text.length ?? 0) < (t?.text.length ?? 0)) kept.term = term;
}

/**
 * The one pass: every token records its position on the atoms it hits (one list per atom, bounded).
 * Then one-word terms take their atom's first non-negated position, and a phrase is searched only when
 * its last word occurred, from its words' position lists.
 */
function matchTerms(compiled: CompiledNarratives, scanned: ScannedText, text: string): TermMatch[] {
  const { tokens, kinds, starts, ends } = scanned;
  const atomPositions = new Map<number, number[]>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    // A model designation's letters ("РК" of "РК-360МЦ") match no term.
    if (
      kinds[i] === TokenKind.word &&
      isDesignationLetters(text, ends[i] as number, (ends[i] as number) - (starts[i] as number))
    )
      continue;
    const atoms = atomsOf(compiled, token);
    for (let a = 0; a < atoms.length; a++) recordPosition(atomPositions, atoms[a] ?? 0, i);
    if (kinds[i] === TokenKind.number && compiled.numberAtom >= 0) {
      recordPosition(atomPositions, compiled.numberAtom, i);
    }
  }
  const found: TermMatch[] = [];
  // Two terms of one group on the same words ("контрак*", "контракт*") are one piece of evidence.
  const seen = new Map<string | number, number>();
  for (const [atom, positions] of atomPositions) {
    for (const term of compiled.singleTerms[atom] ?? NO_ATOMS) {
      const negatable = compiled.terms[term]?.negatable ?? false;
      const position = negatable ? positions.find((p) => !negated(tokens, p)) : positions[0];
      if (position !== undefined) addMatch(compiled, seen, found, term, [position]);
    }
    for (const term of compiled.phraseEnds[atom] ?? NO_ATOMS) {
      const parts = (compiled.termAtoms[term] ?? NO_ATOMS).map((a) => atomPositions.get(a) ?? NO_POSITIONS);
      if (parts.some(isEmpty)) continue;
      const t = compiled.terms[term];
      const chosen = t ? proximityMatch(parts, t.window, t.ordered) : undefined;
      if (chosen) addMatch(compiled, seen, found, term, chosen.sort(byNumber));
    }
  }
  return found;
}

function recordPosition(atomPositions: Map<number, number[]>, atom: number, position: number): void {
  const list = atomPositions.get(atom);
  if (!list) atomPositions.set(atom, [position]);
  // Bounded so a spam post repeating a word thousands of times cannot make proximity search quadratic.
  else if (list.length < MAX_POSITIONS && list[list.length - 1] !== position) list.push(position);
}

function isEmpty(list: readonly number[]): boolean {
  return list.length === 0;
}

function byNumber(a: number, b: number): number {
  return a - b;
}

/** Evidence reads in group order, then in the order of the post. */
function inEvidenceOrder(compiled: CompiledNarratives, matches: readonly TermMatch[]): TermMatch[] {
  return [...matches].sort(
    (a, b) =>
      (compiled.terms[a.term]?.group ?? 0) - (compiled.terms[b.term]?.group ?? 0) ||
      (a.positions[0] ?? 0) - (b.positions[0] ?? 0),
  );
}

/**
 * Picks one position per part, all distinct: in order with at most `window` tokens between
 * consecutive words, or (unordered) all within a span of parts - 1 + window tokens.
 */
function proximityMatch(positions: PartPositions, window: number, ordered: boolean): number[] | undefined {
  const chosen: number[] = [];
  const span = positions.length - 1 + window;
  return searchParts(
    positions,
    window,
    span,
    ordered,
    chosen,
    0,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  )
    ? chosen
    : undefined;
}

function searchParts(
  positions: PartPositions,
  window: number,
  span: number,
  ordered: boolean,
  chosen: number[],
  part: number,
  min: number,
  max: number,
): boolean {
  if (part === positions.length) return true;
  const previous = chosen[chosen.length - 1] ?? -1;
  const candidates = positions[part] ?? [];
  // An ordered phrase starts from its latest first word, so the evidence shows the closest words
  // ("250 тыс", not "3 месяца, 250 тыс").
  const reversed = ordered && part === 0;
  for (let k = 0; k < candidates.length; k++) {
    const position = candidates[reversed ? candidates.length - 1 - k : k] ?? 0;
    if (ordered) {
      if (part > 0 && (position <= previous || position - previous - 1 > window)) continue;
    } else if (chosen.includes(position)) continue;
    const lo = Math.min(min, position);
    const hi = Math.max(max, position);
    if (!ordered && hi - lo > span) continue;
    chosen.push(position);
    if (searchParts(positions, window, span, ordered, chosen, part + 1, lo, hi)) return true;
    chosen.pop();
  }
  return false;
}

interface Judgement {
  score: number;
  /** A signal of one of the definition's topic groups matched. */
  topical: boolean;
  reason: NarrativeVerdict['reason'];
  /** Exclusion groups that applied (matched and not switched off by `unless`). */
  appliedExclusions: Set<number>;
}

/** Matches per signal group, one row per definition. */
function countGroups(compiled: CompiledNarratives, matches: readonly TermMatch[]): Int32Array[] {
  const counts = compiled.compiled.map((def) => new Int32Array(def.groups.length));
  for (const match of matches) {
    const term = compiled.terms[match.term];
    const row = term ? counts[term.definition] : undefined;
    if (term && row) row[term.group] = (row[term.group] ?? 0) + 1;
  }
  return counts;
}

/** Scores each definition from the matched terms alone: no strings are built here. */
function judge(
  compiled: CompiledNarratives,
  matches: readonly TermMatch[],
  scanned: ScannedText,
  text: string,
): Judgement[] {
  const counts = countGroups(compiled, matches);
  return compiled.compiled.map((def, d) => {
    const row = counts[d] ?? new Int32Array(0);
    let score = 0;
    let cancelled = false;
    const appliedExclusions = new Set<number>();
    def.groups.forEach((group, g) => {
      const found = row[g] ?? 0;
      if (found === 0) return;
      if (!group.exclusion) {
        if (group.with.length === 0 || group.with.some((w) => (row[w] ?? 0) > 0)) {
          score += group.weight * Math.min(found, group.maxHits);
        }
        return;
      }
      if (group.unless.some((u) => (row[u] ?? 0) > 0)) return;
      appliedExclusions.add(g);
      if (group.cancel) cancelled = true;
      else score -= group.weight;
    });
    const requirementsMet = coversDistinct(def.require, row);
    const reason = cancelled
      ? 'cancelled'
      : !requirementsMet
        ? 'missing-required'
        : score < def.threshold
          ? 'below-threshold'
          : def.requireInParagraph && !requiredInOneParagraph(compiled, d, scanned, text)
            ? 'across-paragraphs'
            : undefined;
    const topical = def.topic.some((g) => (row[g] ?? 0) > 0);
    return { score, topical, reason, appliedExclusions };
  });
}

/**
 * Whether each requirement is met by a group found in the post, a different group for each: a group
 * listed under two requirements (recruitment's `military`: what is recruited for, and the military
 * context that makes pay more than business news) does not meet both alone. War news with a sum in
 * it ("военные ... 55 тысяч") is not a call to sign up.
 */
function coversDistinct(
  require: readonly (readonly number[])[],
  row: ArrayLike<number>,
  k = 0,
  used: number[] = [],
): boolean {
  if (k === require.length) return true;
  for (const g of require[k] as readonly number[]) {
    if ((row[g] ?? 0) === 0 || used.includes(g)) continue;
    used.push(g);
    if (coversDistinct(require, row, k + 1, used)) return true;
    used.pop();
  }
  return false;
}

/**
 * Whether definition `d`'s `require` lists are met within one paragraph (a line) of the post, or within
 * its first paragraph and one other (`requireIn: paragraph`): each paragraph's terms are matched alone.
 * Only reached for a post whose whole meets them, which few do.
 */
function requiredInOneParagraph(
  compiled: CompiledNarratives,
  d: number,
  scanned: ScannedText,
  text: string,
): boolean {
  const paragraphs = paragraphRanges(scanned, text);
  if (paragraphs.length < 2) return true;
  const require = compiled.compiled[d]?.require ?? [];
  const met = (ranges: readonly [number, number][]): boolean => {
    const counts = countGroups(compiled, matchTerms(compiled, tokensIn(scanned, ranges), text));
    return coversDistinct(require, counts[d] ?? []);
  };
  const first = paragraphs[0] as [number, number];
  return paragraphs.some((range, i) => met([range]) || (i > 0 && met([first, range])));
}

/** Token ranges [from, to) of the post's paragraphs: a line break between two tokens starts one. */
function paragraphRanges(scanned: ScannedText, text: string): [number, number][] {
  const ranges: [number, number][] = [];
  let from = 0;
  for (let i = 1; i < scanned.tokens.length; i++) {
    const gap = text.slice(scanned.ends[i - 1], scanned.starts[i]);
    if (gap.includes('\n')) {
      ranges.push([from, i]);
      from = i;
    }
  }
  if (scanned.tokens.length > 0) ranges.push([from, scanned.tokens.length]);
  return ranges;
}

function tokensIn(scanned: ScannedText, ranges: readonly [number, number][]): ScannedText {
  const part: ScannedText = { tokens: [], kinds: [], starts: [], ends: [] };
  for (const [from, to] of ranges) {
    part.tokens.push(...scanned.tokens.slice(from, to));
    part.kinds.push(...scanned.kinds.slice(from, to));
    part.starts.push(...scanned.starts.slice(from, to));
    part.ends.push(...scanned.ends.slice(from, to));
  }
  return part;
}

function signalOf(
  compiled: CompiledNarratives,
  scanned: ScannedText,
  text: string,
  match: TermMatch,
): NarrativeSignal {
  const term = compiled.terms[match.term];
  const group = term ? compiled.compiled[term.definition]?.groups[term.group] : undefined;
  const matched = match.positions.map((p) => text.slice(scanned.starts[p], scanned.ends[p])).join(' ');
  return { group: group?.name ?? '', term: term?.text ?? '', matched };
}

/** Scores every definition against a scanned post, with all signals and the exclusions that applied. */
export function scoreScanned(
  compiled: CompiledNarratives,
  scanned: ScannedText,
  text: string,
): NarrativeVerdict[] {
  const matches = matchTerms(compiled, scanned, text);
  const ordered = inEvidenceOrder(compiled, matches);
  return judge(compiled, matches, scanned, text).map((judgement, d) => {
    const def = compiled.compiled[d];
    const signals: NarrativeSignal[] = [];
    const exclusions: NarrativeSignal[] = [];
    for (const match of ordered) {
      const term = compiled.terms[match.term];
      if (!term || term.definition !== d) continue;
      if (!def?.groups[term.group]?.exclusion) signals.push(signalOf(compiled, scanned, text, match));
      else if (judgement.appliedExclusions.has(term.group))
        exclusions.push(signalOf(compiled, scanned, text, match));
    }
    const verdict: NarrativeVerdict = {
      narrative: def?.id ?? '',
      score: judgement.score,
      signals,
      exclusions,
      tagged: judgement.reason === undefined,
    };
    if (judgement.reason) verdict.reason = judgement.reason;
    return verdict;
  });
}

/** Every definition's verdict for a text: for the eval report and for tuning definitions. */
export function scoreNarratives(compiled: CompiledNarratives, text: string): NarrativeVerdict[] {
  const bare = withoutDecoration(text);
  return scoreScanned(compiled, scan(bare), bare);
}

/**
 * The rules read a post without its decoration (decoration.ts): a channel footer's handle or link is
 * not a contact to write to. `scanned` is reused when the post has none, as almost every post.
 */
export function tagScanned(
  compiled: CompiledNarratives,
  scanned: ScannedText,
  text: string,
  bare = withoutDecoration(text),
): NarrativeTags {
  return bare === text ? tagBare(compiled, scanned, text, text) : tagBare(compiled, scan(bare), bare, text);
}

function tagBare(
  compiled: CompiledNarratives,
  scanned: ScannedText,
  text: string,
  post: string,
): NarrativeTags {
  const narratives: string[] = [];
  const narrativeEvidence: NarrativeEvidence[] = [];
  const matches = matchTerms(compiled, scanned, text);
  if (matches.length === 0) return { narratives, narrativeEvidence };
  let open: string[] | undefined;
  judge(compiled, matches, scanned, text).forEach((judgement, d) => {
    const def = compiled.compiled[d];
    if (!def || judgement.reason !== undefined) return;
    // A rule hit needs its narrative's gate (read as the classifier reads the post) or a topic group:
    // on 22,099 real Telegram news posts the recruitment terms summed past the threshold on flat
    // adverts and tabloid news with no word of war or service ("оформить", "квартиры", "ипотеку", a
    // phone). Slang the gate lacks ("за ленточкой", "на передке") is in the topic groups.
    if (def.gated && !judgement.topical) {
      open ??= compiled.gate.match(classifierText(post, text));
      if (!open.includes(def.id)) return;
    }
    // Evidence strings are built only for the narratives that are tagged.
    const signals: NarrativeSignal[] = [];
    for (const match of inEvidenceOrder(compiled, matches)) {
      const term = compiled.terms[match.term];
      if (term?.definition === d && !def.groups[term.group]?.exclusion) {
        signals.push(signalOf(compiled, scanned, text, match));
      }
    }
    narratives.push(def.id);
    narrativeEvidence.push({ narrative: def.id, score: judgement.score, signals });
  });
  return { narratives, narrativeEvidence };
}

/**
 * Tags a text with the narratives it carries, each with its evidence. `lang` is accepted as a hint but
 * terms of every language are matched: posts mix Russian and Kazakh, and transliterate.
 */
export function tagNarratives(compiled: CompiledNarratives, text: string, _lang?: string): NarrativeTags {
  return tagScanned(compiled, scan(text), text);
}
