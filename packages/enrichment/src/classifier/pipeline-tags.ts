// Tags for a list of texts as the pipeline decides them: the rules on every text, the classifier on
// those its gate lets through, combined in the detected language. For the evaluations that score
// whole texts (channel decoration, long posts); `cw narratives eval` keeps its own loop for the
// per-method tables.
import { detectLanguage } from '../detect-language.ts';
import { compileNarratives } from '../narrative-compile.ts';
import { type NarrativeTags, tagNarratives } from '../narrative-match.ts';
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
  // The rules once per text, passed to the classifier's first stage as the pipeline does.
  const rules = texts.map((text) => tagNarratives(compiled, text));
  if (rulesOnly || !classifier) return rules.map((r) => r.narratives);
  const candidates = texts.flatMap((text, i) => (classifier.gate.test(text) ? [i] : []));
  const results =
    candidates.length > 0
      ? await classifier.classify(
          candidates.map((i) => texts[i] as string),
          candidates.map((i) => (rules[i] as NarrativeTags).narratives),
        )
      : [];
  const resultOf = new Map(candidates.map((i, k) => [i, results[k]]));
  return texts.map(
    (text, i) =>
      combineTags(rules[i] as NarrativeTags, resultOf.get(i), classifier, order, detectLanguage(text).lang)
        .narratives,
  );
}
