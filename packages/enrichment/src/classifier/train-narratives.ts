// `cw narratives train`: one head per narrative from the corpus train split plus the definitions'
// own examples, with cross-validated precision and recall, and the gate's recall on the positives.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Encoder } from '@cw/encoder';
import { classifierText } from '../decoration.ts';
import { detectLanguage } from '../detect-language.ts';
import { compileNarratives } from '../narrative-compile.ts';
import { type NarrativeEvidence, tagNarratives } from '../narrative-match.ts';
import type { NarrativeDefinition } from '../narrative-schema.ts';
import { type CorpusItem, passagesHash } from './corpus.ts';
import { ngramFeatures } from './features.ts';
import { compileGate } from './gate.ts';
import type { HeadFile } from './head.ts';
import { headsDir } from './runtime.ts';
import { isStrongRule } from './stance.ts';
import type { Sample } from './train.ts';
import { trainHeadWithScreen } from './train-head.ts';

export interface TrainingPassage {
  text: string;
  narratives: string[];
  group: string;
  /** Same topic, no narrative (corpus kind hard_negative, or a definition's negative example). */
  hardNegative: boolean;
  /** The corpus kind, or "example" for a definition's own examples. */
  kind: 'positive' | 'hard_negative' | 'negative' | 'example';
}

/** The corpus train split and each definition's examples (one group per definition). */
export function trainingPassages(
  train: readonly CorpusItem[],
  definitions: readonly NarrativeDefinition[],
): TrainingPassage[] {
  const passages: TrainingPassage[] = train.map((i) => ({
    text: i.text,
    narratives: i.narratives,
    group: i.site,
    hardNegative: i.narratives.length === 0 && i.kind !== 'negative',
    kind: i.kind ?? (i.narratives.length > 0 ? 'positive' : 'hard_negative'),
  }));
  for (const def of definitions) {
    for (const text of def.examples.positive)
      passages.push({
        text,
        narratives: [def.id],
        group: `examples:${def.id}`,
        hardNegative: false,
        kind: 'example',
      });
    for (const text of def.examples.negative)
      passages.push({
        text,
        narratives: [],
        group: `examples:${def.id}`,
        hardNegative: true,
        kind: 'example',
      });
  }
  return passages;
}

export interface TrainReport {
  heads: HeadFile[];
  gateRecall: Record<string, { found: number; positives: number }>;
  passages: number;
  /**
   * The cascade on the train split, out of fold, per passage kind: passages some head's gate lets
   * through, and of them those that reach the encoder (a screen at or above its cut, or a rule hit).
   */
  firstStage: Record<TrainingPassage['kind'], { gated: number; encoded: number }>;
}

export async function trainNarratives(options: {
  definitions: readonly NarrativeDefinition[];
  train: readonly CorpusItem[];
  encoder: Encoder;
  narrativesDir: string;
  onProgress?: (line: string) => void;
  write?: boolean;
}): Promise<TrainReport> {
  const progress = options.onProgress ?? (() => {});
  const passages = trainingPassages(options.train, options.definitions);
  const corpusHash = passagesHash(passages);
  progress(`embedding ${passages.length} training passages with ${options.encoder.info.version}...`);
  // Features from what the classifier reads of a post at run time; the rules read the whole text.
  const read = passages.map((p) => classifierText(p.text));
  const embeddings = await options.encoder.embed(read);
  const ngrams = read.map((text) => ngramFeatures(text));
  const compiled = compileNarratives(options.definitions);
  const ruleEvidence = passages.map((p) => tagNarratives(compiled, p.text).narrativeEvidence);
  const ruleTags = ruleEvidence.map((evidence) => new Set(evidence.map((e) => e.narrative)));
  const gate = compileGate(options.definitions);
  const gated = read.map((text) => gate.match(text));
  // Detected as the pipeline detects a post's language: the decision is judged per detected language.
  const langs = passages.map((p) => detectLanguage(p.text).lang);

  const heads: HeadFile[] = [];
  const gateRecall: TrainReport['gateRecall'] = {};
  const candidate = passages.map(() => false);
  const encoded = passages.map(() => false);
  for (const def of options.definitions) {
    const samples: Sample[] = passages.map((p, i) => ({
      embedding: embeddings[i] as Float32Array,
      ngrams: ngrams[i] as ReturnType<typeof ngramFeatures>,
      label: p.narratives.includes(def.id),
      group: p.group,
      rules: (ruleTags[i] as Set<string>).has(def.id),
      gated: (gated[i] as string[]).includes(def.id),
      hardNegative: p.hardNegative,
      lang: langs[i] as string,
      voter: p.kind !== 'example',
      strongRule: isStrongRule(
        (ruleEvidence[i] as NarrativeEvidence[]).find((e) => e.narrative === def.id),
        def.threshold,
      ),
    }));
    const positives = passages.filter((p) => p.narratives.includes(def.id));
    gateRecall[def.id] = {
      found: passages.filter(
        (p, i) => p.narratives.includes(def.id) && (gated[i] as string[]).includes(def.id),
      ).length,
      positives: positives.length,
    };
    if (!def.gate) {
      progress(`${def.id}: no gate terms, no head (rules only)`);
      continue;
    }
    if (positives.length < 10) {
      progress(
        `${def.id}: ${positives.length} positive passages, too few to train (10 at least); rules only`,
      );
      continue;
    }
    progress(
      `${def.id}: training on ${positives.length} positives, ${samples.length - positives.length} negatives...`,
    );
    const { head, reachesEncoder } = trainHeadWithScreen(samples, {
      narrative: def.id,
      encoder: options.encoder.info.version,
      corpusHash,
    });
    heads.push(head);
    samples.forEach((s, i) => {
      if (s.gated) candidate[i] = true;
      if (reachesEncoder[i]) encoded[i] = true;
    });
    progress(
      `${def.id}: threshold ${head.threshold}${head.stance ? `, stance stage ${head.stance.features}` : ''}, cross-validated (by site) precision ${head.cv.precision}, recall ${head.cv.recall}`,
    );
    if (head.screen) progress(`${def.id}: ${describeScreen(head.screen)}`);
  }
  if (options.write !== false) {
    const dir = headsDir(options.narrativesDir);
    mkdirSync(dir, { recursive: true });
    for (const head of heads) writeFileSync(join(dir, `${head.narrative}.json`), `${JSON.stringify(head)}\n`);
  }
  const firstStage: TrainReport['firstStage'] = {
    positive: { gated: 0, encoded: 0 },
    hard_negative: { gated: 0, encoded: 0 },
    negative: { gated: 0, encoded: 0 },
    example: { gated: 0, encoded: 0 },
  };
  passages.forEach((p, i) => {
    if (!candidate[i]) return;
    firstStage[p.kind].gated++;
    if (encoded[i]) firstStage[p.kind].encoded++;
  });
  return { heads, gateRecall, passages: passages.length, firstStage };
}

/** One line on the first stage's cut and what it costs on the train split's out-of-fold decision. */
export function describeScreen(screen: NonNullable<HeadFile['screen']>): string {
  const c = screen.cv;
  return (
    `first stage (n-gram screen) cut ${screen.threshold}: keeps ${c.tagged - c.lost}/${c.tagged} of the passages the ` +
    `full decision tags out of fold (${c.headOnly} of them by the head alone; ${c.lost} lost, ${c.positivesLost} of them positives); ` +
    `lets ${c.passed}/${c.gated} gate-passing passages through to the encoder ` +
    `(hard negatives ${c.hardNegativesPassed}/${c.hardNegativesGated})`
  );
}
