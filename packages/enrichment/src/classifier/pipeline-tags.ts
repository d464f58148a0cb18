// Tags for a list of texts as the pipeline decides them: the rules on every text, the classifier on
// those its gate lets through, combined in the detected language. For the evaluations that score
// whole texts (channel decoration, long posts); `cw narratives eval` keeps its own loop for the
// per-method tables.
import { detectLanguage } from '../detect-language.ts';
import { compileNarratives } from '../narrative-compile.ts';
import { tagNarratives } from '../narrative-match.ts';
import type { NarrativeDefinition } from '../narrative-schema.ts';
import { combineTags, type NarrativeClassifier } from './runtime.ts';

/** Tags as the pipeline decides them: the rules, and for gate-passing posts the classifier with them. */
export async function pipelineTags(
  texts: readonly string[],
  definitions: readonly NarrativeDefinition[],
  classifier: NarrativeClassifier | undefined,
  rulesOnly = false,
): Promise<string[][]> {
  const compiled = compileNarratives(definitions);
  const order = definitions.map((d) => d.id);
  const candidates = rulesOnly || !classifier ? [] : texts.filter((t) => classifier.gate.test(t));
  const results = classifier && candidates.length > 0 ? await classifier.classify(candidates) : [];
  const resultOf = new Map(candidates.map((t, k) => [t, results[k]]));
  return texts.map((text) => {
    const rules = tagNarratives(compiled, text);
    if (rulesOnly) return rules.narratives;
    return combineTags(rules, resultOf.get(text), classifier, order, detectLanguage(text).lang).narratives;
  });
}
