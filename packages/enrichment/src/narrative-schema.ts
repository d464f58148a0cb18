// The shape of a narrative definition file. zod checks the structure; checkDefinition adds the
// checks that need the whole definition (a `require` naming an unknown group, an unparsable term).
import { z } from 'zod';
import { parseTerm } from './narrative-term.ts';

const termsSchema = z
  .record(
    z.string().regex(/^[a-z]{2}$|^any$/, 'language must be an ISO 639-1 code or "any"'),
    z.array(z.string().min(1)),
  )
  .refine((terms) => Object.values(terms).some((list) => list.length > 0), 'needs at least one term');

const signalGroupSchema = z.strictObject({
  /** Points the group adds when any of its terms matches. */
  weight: z.number().positive(),
  /** With several distinct terms matched, the group counts up to this many times (default 1). */
  maxHits: z.number().int().min(1).max(10).optional(),
  /** Proximity window for this group's phrases: most tokens allowed between their words. */
  window: z.number().int().min(0).max(20).optional(),
  /** The group counts only when one of these groups matched too ("for Ukraine" only beside weapons). */
  with: z.array(z.string().min(1)).optional(),
  terms: termsSchema,
});

const exclusionGroupSchema = z.strictObject({
  /** cancel: the narrative is not tagged; lower: `weight` points are taken off. */
  effect: z.enum(['cancel', 'lower']),
  weight: z.number().positive().optional(),
  /** Signal groups that, when matched, switch this exclusion off (a civilian job word in a military ad). */
  unless: z.array(z.string().min(1)).optional(),
  window: z.number().int().min(0).max(20).optional(),
  terms: termsSchema,
});

export const narrativeDefinitionSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'id must be snake_case'),
  title: z.string().min(1),
  description: z.string().min(1),
  languages: z.array(z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code')).min(1),
  threshold: z.number().positive(),
  window: z.number().int().min(0).max(20).default(3),
  require: z.array(z.array(z.string().min(1)).min(1)).default([]),
  signals: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'group names are snake_case'), signalGroupSchema),
  exclusions: z
    .record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'group names are snake_case'), exclusionGroupSchema)
    .default({}),
  /**
   * Broad candidate terms (`stem*` or whole words, per language): a post matching any is passed to the
   * trained classifier. Wide on purpose; the classifier, not the gate, decides. A list of term sets
   * means all of them: "a Kazakhstan mention" and "a conflict or foreign-policy word".
   */
  gate: z.union([termsSchema, z.array(termsSchema).min(1)]).optional(),
  /**
   * Signal groups that name what the narrative is about (for recruitment: military service and the
   * contract, slang included). With a gate, a rule hit counts only on a post the gate lets through or
   * that matches one of these groups: on real channel posts the other signals (signing, pay, a phone,
   * perks) summed past the threshold on flat adverts and tabloid news.
   */
  topic: z.array(z.string().min(1)).optional(),
  /**
   * How the classifier reads a post of three paragraphs or more: `whole` (the default: its first 64
   * tokens, as the encoder reads any post), or `paragraph-pairs` (also each pair of neighbouring paragraphs, tagged when
   * one pair is: a call that comes after a lead-in). See the README, "Long posts".
   */
  longPosts: z.enum(['whole', 'paragraph-pairs']).optional(),
  /**
   * Where the `require` lists must be met: anywhere in the `post` (the default), or within one
   * `paragraph` (a line of the post), or the first paragraph (a headline names the subject) and one
   * other. A channel's digest ("Other statements at the briefing: ▪️ the state visit to Kazakhstan…
   * ▪️ NATO peacekeepers…") names Kazakhstan in one item and the accusation's words in another.
   */
  requireIn: z.enum(['post', 'paragraph']).optional(),
  examples: z.strictObject({
    positive: z.array(z.string().min(1)).min(1),
    negative: z.array(z.string().min(1)).min(1),
  }),
});

export type SignalGroup = z.infer<typeof signalGroupSchema>;
export type ExclusionGroup = z.infer<typeof exclusionGroupSchema>;
export type NarrativeDefinition = z.infer<typeof narrativeDefinitionSchema> & {
  /** The file it was loaded from, when loaded from a file. */
  source?: string;
};

export interface DefinitionIssue {
  path: string;
  message: string;
}

/** Checks a parsed definition; returns every problem found, each with its field path. */
export function checkDefinition(def: NarrativeDefinition): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const groups = new Set(Object.keys(def.signals));
  if (groups.size === 0) issues.push({ path: 'signals', message: 'needs at least one signal group' });
  (def.topic ?? []).forEach((group, i) => {
    if (!groups.has(group)) issues.push({ path: `topic[${i}]`, message: `unknown signal group '${group}'` });
  });
  def.require.forEach((alternatives, i) => {
    alternatives.forEach((group, j) => {
      if (!groups.has(group))
        issues.push({ path: `require[${i}][${j}]`, message: `unknown signal group '${group}'` });
    });
  });
  for (const [name, group] of Object.entries(def.signals)) {
    (group.with ?? []).forEach((other, i) => {
      if (!groups.has(other) || other === name) {
        issues.push({
          path: `signals.${name}.with[${i}]`,
          message: `unknown or same signal group '${other}'`,
        });
      }
    });
  }
  const checkTerms = (kind: 'signals' | 'exclusions', name: string, terms: Record<string, string[]>) => {
    for (const [lang, list] of Object.entries(terms)) {
      list.forEach((term, i) => {
        const problem = parseTerm(term).error;
        if (problem)
          issues.push({ path: `${kind}.${name}.terms.${lang}[${i}]`, message: `${problem}: "${term}"` });
      });
    }
  };
  for (const [name, group] of Object.entries(def.signals)) checkTerms('signals', name, group.terms);
  for (const [name, group] of Object.entries(def.exclusions)) checkTerms('exclusions', name, group.terms);
  for (const name of Object.keys(def.exclusions)) {
    if (groups.has(name))
      issues.push({ path: `exclusions.${name}`, message: 'has the name of a signal group' });
  }
  const scoreMax = Object.values(def.signals).reduce((sum, g) => sum + g.weight * (g.maxHits ?? 1), 0);
  if (scoreMax < def.threshold) {
    issues.push({
      path: 'threshold',
      message: `is ${def.threshold} but the signals add up to ${scoreMax} at most`,
    });
  }
  return issues;
}
