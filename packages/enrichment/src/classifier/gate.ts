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
  /** Whether the post may carry any narrative with a gate. */
  test(text: string): boolean;
  /** Narratives whose definition has gate terms. */
  narratives: readonly string[];
}

export function compileGate(definitions: readonly NarrativeDefinition[]): Gate {
  const terms = new Set<string>();
  const narratives: string[] = [];
  for (const def of definitions) {
    if (!def.gate) continue;
    narratives.push(def.id);
    for (const list of Object.values(def.gate)) for (const term of list) terms.add(termPattern(term));
  }
  if (terms.size === 0) return { test: () => false, narratives };
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${[...terms].sort().join('|')})`, 'u');
  return { test: (text) => re.test(text.toLowerCase()), narratives };
}
