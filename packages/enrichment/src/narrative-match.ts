// Tags a post with narratives in one pass over its normalised tokens: each token is looked up once in
// the exact map and walked once down the stem trie; the atoms it hits record their position for the
// terms that use them. Phrases are then checked for proximity, groups scored, exclusions applied.
import type { CompiledNarratives } from './narrative-compile.ts';
import { type ScannedText, scan, TokenKind } from './tokenise.ts';

export interface NarrativeSignal {
  group: string;
  term: string;
  /** The words of the post that matched, joined by a space. */
  matched: string;
}

export interface NarrativeEvidence {
  narrative: string;
  score: number;
  signals: NarrativeSignal[];
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
  /** Why a post with enough score was not tagged, if so. */
  reason?: 'below-threshold' | 'missing-required' | 'cancelled';
}

/** Positions, per part, of a term's words in the post. */
type PartPositions = number[][];

function collectHits(compiled: CompiledNarratives, scanned: ScannedText): Map<number, PartPositions> {
  const hits = new Map<number, PartPositions>();
  const record = (atom: number, position: number) => {
    const uses = compiled.atomUses[atom];
    if (!uses) return;
    for (let u = 0; u < uses.length; u += 2) {
      const term = uses[u] ?? 0;
      const part = uses[u + 1] ?? 0;
      let positions = hits.get(term);
      if (!positions) {
        positions = Array.from({ length: compiled.terms[term]?.parts ?? 1 }, () => []);
        hits.set(term, positions);
      }
      positions[part]?.push(position);
    }
  };
  const { tokens, kinds } = scanned;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const exact = compiled.exact.get(token);
    if (exact) for (const atom of exact) record(atom, i);
    if (kinds[i] === TokenKind.number && compiled.numberAtom >= 0) record(compiled.numberAtom, i);
    let node = compiled.stems.next.get(token.charCodeAt(0));
    for (let c = 1; node && c <= token.length; c++) {
      if (node.atoms) for (const atom of node.atoms) record(atom, i);
      node = c < token.length ? node.next.get(token.charCodeAt(c)) : undefined;
    }
  }
  return hits;
}

/** Picks one position per part, all distinct, within `span`; returns them or undefined. */
function proximityMatch(positions: PartPositions, span: number): number[] | undefined {
  const chosen: number[] = [];
  const search = (part: number, min: number, max: number): boolean => {
    if (part === positions.length) return true;
    for (const position of positions[part] ?? []) {
      if (chosen.includes(position)) continue;
      const lo = Math.min(min, position);
      const hi = Math.max(max, position);
      if (hi - lo > span) continue;
      chosen.push(position);
      if (search(part + 1, lo, hi)) return true;
      chosen.pop();
    }
    return false;
  };
  return search(0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) ? chosen : undefined;
}

/** Scores every definition against a scanned post. */
export function scoreScanned(
  compiled: CompiledNarratives,
  scanned: ScannedText,
  text: string,
): NarrativeVerdict[] {
  const hits = collectHits(compiled, scanned);
  // matches[definition][group] = signals
  const matches = compiled.compiled.map((def) => def.groups.map((): NarrativeSignal[] => []));
  for (const [termId, positions] of hits) {
    const term = compiled.terms[termId];
    if (!term) continue;
    const chosen = term.parts === 1 ? positions[0]?.slice(0, 1) : proximityMatch(positions, term.span);
    if (!chosen || chosen.length === 0) continue;
    const matched = [...chosen]
      .sort((a, b) => a - b)
      .map((p) => text.slice(scanned.starts[p], scanned.ends[p]))
      .join(' ');
    const group = compiled.compiled[term.definition]?.groups[term.group];
    if (group) matches[term.definition]?.[term.group]?.push({ group: group.name, term: term.text, matched });
  }
  return compiled.compiled.map((def, d) => {
    let score = 0;
    let cancelled = false;
    const signals: NarrativeSignal[] = [];
    const exclusions: NarrativeSignal[] = [];
    const has = (g: number) => (matches[d]?.[g]?.length ?? 0) > 0;
    def.groups.forEach((group, g) => {
      const found = matches[d]?.[g] ?? [];
      if (found.length === 0) return;
      if (group.exclusion) {
        if (group.unless.some(has)) return;
        exclusions.push(...found);
        if (group.cancel) cancelled = true;
        else score -= group.weight;
        return;
      }
      signals.push(...found);
      score += group.weight * Math.min(found.length, group.maxHits);
    });
    const requirementsMet = def.require.every((alternatives) => alternatives.some(has));
    const reason = cancelled
      ? 'cancelled'
      : !requirementsMet
        ? 'missing-required'
        : score < def.threshold
          ? 'below-threshold'
          : undefined;
    const verdict: NarrativeVerdict = {
      narrative: def.id,
      score,
      signals,
      exclusions,
      tagged: reason === undefined,
    };
    if (reason) verdict.reason = reason;
    return verdict;
  });
}

/** Every definition's verdict for a text: for the eval report and for tuning definitions. */
export function scoreNarratives(compiled: CompiledNarratives, text: string): NarrativeVerdict[] {
  return scoreScanned(compiled, scan(text), text);
}

export function tagScanned(compiled: CompiledNarratives, scanned: ScannedText, text: string): NarrativeTags {
  const narratives: string[] = [];
  const narrativeEvidence: NarrativeEvidence[] = [];
  for (const verdict of scoreScanned(compiled, scanned, text)) {
    if (!verdict.tagged) continue;
    narratives.push(verdict.narrative);
    narrativeEvidence.push({ narrative: verdict.narrative, score: verdict.score, signals: verdict.signals });
  }
  return { narratives, narrativeEvidence };
}

/**
 * Tags a text with the narratives it carries, each with its evidence. `lang` is accepted as a hint but
 * terms of every language are matched: posts mix Russian and Kazakh, and transliterate.
 */
export function tagNarratives(compiled: CompiledNarratives, text: string, _lang?: string): NarrativeTags {
  return tagScanned(compiled, scan(text), text);
}
