// Compiles narrative definitions into one index over all their terms: an exact-token map and a
// character trie for stems. Matching a post is then one pass over its tokens (see narrative-match.ts)
// instead of a regex per term.
import { compileGate, type Gate } from './classifier/gate.ts';
import type { NarrativeDefinition } from './narrative-schema.ts';
import { NUMBER_PART, parseTerm } from './narrative-term.ts';

export interface CompiledGroup {
  name: string;
  exclusion: boolean;
  /** Points added (signal) or taken off (exclusion with effect lower). */
  weight: number;
  maxHits: number;
  cancel: boolean;
  /** Exclusions only: signal group indexes that switch the exclusion off. */
  unless: number[];
  /** Signals only: the group counts only if one of these groups matched too (empty: always). */
  with: number[];
}

export interface CompiledTerm {
  definition: number;
  group: number;
  /** The term as written in the definition. */
  text: string;
  parts: number;
  /** Most tokens allowed between consecutive words of a phrase. */
  window: number;
  ordered: boolean;
  /** A one-word term: it does not match where negated ("это не фейк", "не законно"). */
  negatable: boolean;
}

export interface CompiledDefinition {
  id: string;
  threshold: number;
  groups: CompiledGroup[];
  /** Group indexes: each inner list needs at least one matched group. */
  require: number[][];
  /** Whether a rule hit needs the gate or a topic group (the definition has a gate). */
  gated: boolean;
  /** Group indexes of the definition's `topic`. */
  topic: number[];
  /** The `require` lists must be met within one paragraph, or the first and one other (`requireIn`). */
  requireInParagraph: boolean;
}

export interface TrieNode {
  next: Map<number, TrieNode>;
  /** Atoms of stems ending at this node. */
  atoms: number[] | undefined;
}

export interface CompiledNarratives {
  readonly definitions: readonly NarrativeDefinition[];
  readonly compiled: readonly CompiledDefinition[];
  readonly terms: readonly CompiledTerm[];
  /** Exact token → atom ids. */
  readonly exact: ReadonlyMap<string, number[]>;
  readonly stems: TrieNode;
  /** Atom id of $number, or -1 when no term uses it. */
  readonly numberAtom: number;
  /** Per atom: the one-word terms it is. */
  readonly singleTerms: readonly number[][];
  /** Per atom: the phrase terms whose last word it is (a phrase is searched only if its last word occurs). */
  readonly phraseEnds: readonly number[][];
  /** Per term: the atom of each of its words. */
  readonly termAtoms: readonly number[][];
  /**
   * Memo of token → atoms (exact and stem hits). Words repeat across posts (Zipf), so most tokens cost
   * one map lookup instead of a trie walk. Bounded; belongs to this compiled set, so a reload drops it.
   */
  readonly atomCache: Map<string, readonly number[]>;
  /**
   * The definitions' gates: a rule hit of a definition with a gate counts only on a post its gate lets
   * through or that matches a topic group (see tagBare in narrative-match.ts).
   */
  readonly gate: Gate;
}

export function compileNarratives(definitions: readonly NarrativeDefinition[]): CompiledNarratives {
  const atomIds = new Map<string, number>();
  let atomCount = 0;
  const exact = new Map<string, number[]>();
  const stems: TrieNode = { next: new Map(), atoms: undefined };
  const terms: CompiledTerm[] = [];
  const termAtoms: number[][] = [];
  const compiled: CompiledDefinition[] = [];

  const atomFor = (text: string, prefix: boolean): number => {
    const key = `${prefix ? 'p' : 'e'}:${text}`;
    let id = atomIds.get(key);
    if (id !== undefined) return id;
    id = atomCount++;
    atomIds.set(key, id);
    if (text === NUMBER_PART) return id;
    if (!prefix) {
      exact.set(text, [...(exact.get(text) ?? []), id]);
      return id;
    }
    let node = stems;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let child = node.next.get(code);
      if (!child) {
        child = { next: new Map(), atoms: undefined };
        node.next.set(code, child);
      }
      node = child;
    }
    node.atoms = [...(node.atoms ?? []), id];
    return id;
  };

  definitions.forEach((def, defIndex) => {
    const groups: CompiledGroup[] = [];
    // Groups are numbered signals first, then exclusions, so references can point forwards.
    const groupIndex = new Map<string, number>(
      [...Object.keys(def.signals), ...Object.keys(def.exclusions)].map((name, i) => [name, i]),
    );
    const addGroup = (
      name: string,
      group: {
        weight?: number;
        maxHits?: number;
        window?: number;
        unless?: string[];
        with?: string[];
        terms: Record<string, string[]>;
      },
      exclusion: boolean,
      cancel: boolean,
    ) => {
      const index = groups.length;
      const unless = (group.unless ?? []).map((other) => groupIndex.get(other) ?? -1);
      const withGroups = (group.with ?? []).map((other) => groupIndex.get(other) ?? -1);
      groups.push({
        name,
        exclusion,
        weight: group.weight ?? 2,
        maxHits: group.maxHits ?? 1,
        cancel,
        unless,
        with: withGroups,
      });
      const window = group.window ?? def.window;
      const seen = new Set<string>();
      for (const list of Object.values(group.terms)) {
        for (const text of list) {
          if (seen.has(text)) continue;
          seen.add(text);
          const { parts, ordered, error } = parseTerm(text);
          if (error) throw new Error(`${def.id}: ${name}: ${error}: "${text}"`);
          terms.push({
            definition: defIndex,
            group: index,
            text,
            parts: parts.length,
            window,
            ordered,
            negatable: parts.length === 1,
          });
          termAtoms.push(parts.map((part) => atomFor(part.text, part.prefix)));
        }
      }
    };
    for (const [name, group] of Object.entries(def.signals)) addGroup(name, group, false, false);
    for (const [name, group] of Object.entries(def.exclusions))
      addGroup(name, group, true, group.effect === 'cancel');
    compiled.push({
      id: def.id,
      threshold: def.threshold,
      groups,
      require: def.require.map((alternatives) => alternatives.map((name) => groupIndex.get(name) ?? -1)),
      gated: def.gate !== undefined,
      topic: (def.topic ?? []).map((name) => groupIndex.get(name) ?? -1),
      requireInParagraph: def.requireIn === 'paragraph',
    });
  });

  const singleTerms = Array.from({ length: atomCount }, (): number[] => []);
  const phraseEnds = Array.from({ length: atomCount }, (): number[] => []);
  termAtoms.forEach((atoms, term) => {
    const last = atoms[atoms.length - 1] ?? 0;
    (atoms.length === 1 ? singleTerms : phraseEnds)[last]?.push(term);
  });
  return {
    definitions,
    compiled,
    terms,
    exact,
    stems,
    numberAtom: atomIds.get(`e:${NUMBER_PART}`) ?? -1,
    singleTerms,
    phraseEnds,
    termAtoms,
    atomCache: new Map(),
    gate: compileGate(definitions),
  };
}
