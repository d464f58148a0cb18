// The candidate gate: a broad regular expression from every definition's `gate` terms (a Kazakhstan
// mention; military, contract and recruitment words in each of our languages). Only posts it lets
// through are encoded, which keeps the encoder's cost to the share of posts that could carry a
// narrative. It must almost never miss a positive (its recall on the corpus is reported by train).
import type { NarrativeDefinition } from '../narrative-schema.ts';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `stem*` matches words starting with stem; a plain term matches the whole word; spaces match any run of spaces. */
function termPattern(term: string): string {
  const prefix = term.endsWith('*');
  const body = escapeRegExp(term.replace(/\*$/, '').toLowerCase()).replace(/ +/g, '\\s+');
  return prefix ? body : `${body}(?![\\p{L}\\p{N}])`;
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

function alternation(terms: Iterable<string>): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${[...new Set(terms)].sort().join('|')})`, 'u');
}

export function compileGate(definitions: readonly NarrativeDefinition[]): Gate {
  const own: { id: string; res: RegExp[] }[] = [];
  const all: string[] = [];
  for (const def of definitions) {
    if (!def.gate) continue;
    const sets = Array.isArray(def.gate) ? def.gate : [def.gate];
    const res = sets.map((set) => alternation(Object.values(set).flatMap((list) => list.map(termPattern))));
    // The first set of each definition is the quick test for "any narrative".
    all.push(...Object.values(sets[0] ?? {}).flatMap((list) => list.map(termPattern)));
    own.push({ id: def.id, res });
  }
  const narratives = own.map((o) => o.id);
  if (all.length === 0) return { test: () => false, match: () => [], narratives };
  const any = alternation(all);
  const opens = (lower: string) => (o: (typeof own)[number]) => o.res.every((re) => re.test(lower));
  return {
    test: (text) => {
      const lower = text.toLowerCase();
      return any.test(lower) && own.some(opens(lower));
    },
    match: (text) => own.filter(opens(text.toLowerCase())).map((o) => o.id),
    narratives,
  };
}
