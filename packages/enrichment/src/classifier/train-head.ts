// Training one narrative's classifier: the head's hyperparameters and threshold by site-grouped
// cross-validation on train (as before), then the stance stage (stance.ts): each variant's out-of-fold
// scores, and the cuts on head score, stance for head tags and stance for rule hits searched together.
// The stage is kept only when it ranks above rules OR head on the same out-of-fold scores.
import type { HeadFile, ScreenFile, StanceFile } from './head.ts';
import { mixVote, NEIGHBOUR_VOTE, outOfFoldVotes, type VoteSettings } from './neighbours.ts';
import { chooseScreenCut, fitScreen, outOfFoldScreen, reachesEncoder, SCREEN_OPTIONS } from './screen.ts';
import {
  beatsDecision,
  type CutResult,
  chooseCut,
  decide,
  f1StandardError,
  fitStance,
  outOfFoldStance,
  STANCE_VARIANTS,
  type StanceVariant,
} from './stance.ts';
import {
  chooseThreshold,
  countCombined,
  type FitOptions,
  fitLogistic,
  groupFolds,
  hardNegativeRate,
  MAX_HARD_NEGATIVE_RATE,
  metricsOf,
  outOfFoldScores,
  type Sample,
} from './train.ts';

/**
 * The n-gram weight 20 puts the n-grams (L2-normalised, length 1) on a footing with the standardised
 * embedding (384 values of unit variance, length ~20) under one L2 penalty and one Adam step size: at
 * 1 they were drowned and both heads chose the embedding alone (README, "The n-grams' weight").
 */
export const HYPERPARAMETERS: readonly FitOptions[] = [
  { l2: 1e-3, ngramWeight: 0 },
  { l2: 1e-3, ngramWeight: 1 },
  { l2: 1e-2, ngramWeight: 1 },
  { l2: 1e-4, ngramWeight: 1 },
  { l2: 1e-3, ngramWeight: 20 },
  { l2: 1e-2, ngramWeight: 20 },
];

/**
 * Precision asked of the cross-validated decision. The targets ask 0.90 on the locked test; asking a
 * little more of the out-of-fold scores leaves room for the optimism of choosing cuts on them.
 */
export const MIN_PRECISION = 0.92;

function round(values: Float32Array | number[], digits = 5): number[] {
  const f = 10 ** digits;
  return Array.from(values, (v) => Math.round(v * f) / f);
}

const three = (x: number) => Math.round(x * 1000) / 1000;

/** Picks hyperparameters, the stance stage and the cuts by grouped CV, then fits on every sample. */
export function trainHead(...args: Parameters<typeof trainHeadWithScreen>): HeadFile {
  return trainHeadWithScreen(...args).head;
}

/**
 * trainHead, and for each sample whether it reaches the encoder on the out-of-fold first stage (gate,
 * then screen or a rule hit), so train can report the cascade across narratives.
 */
export function trainHeadWithScreen(
  samples: readonly Sample[],
  meta: {
    narrative: string;
    encoder: string;
    corpusHash: string;
    folds?: number;
    minPrecision?: number;
    /** Stance variants to try ([] trains the head alone, rules OR head). */
    stanceVariants?: readonly StanceVariant[];
    /** false trains no first stage (every gate-passing post is encoded). */
    screen?: boolean;
    /** The nearest passages' vote mixed into the head's score (neighbours.ts); false: the head alone. */
    vote?: VoteSettings | false;
  },
): { head: HeadFile; reachesEncoder: boolean[] } {
  const folds = meta.folds ?? 5;
  const minPrecision = meta.minPrecision ?? MIN_PRECISION;
  let chosen: { options: FitOptions; m: ReturnType<typeof metricsOf>; hardOk: boolean } | undefined;
  for (const options of HYPERPARAMETERS) {
    const scores = outOfFoldScores(samples, options, folds);
    const { threshold, veto } = chooseThreshold(samples, scores, minPrecision);
    const m = metricsOf(countCombined(samples, scores, threshold, veto));
    // Hyperparameters: the best recall at the chosen threshold when it meets the hard-negative bar.
    const hardOk = hardNegativeRate(samples, scores, threshold, veto) <= MAX_HARD_NEGATIVE_RATE;
    const score = (x: ReturnType<typeof metricsOf>, ok: boolean) =>
      ok && x.precision >= minPrecision ? 1 + x.recall : x.f1;
    if (!chosen || score(m, hardOk) > score(chosen.m, chosen.hardOk)) chosen = { options, m, hardOk };
  }
  const { options } = chosen as NonNullable<typeof chosen>;
  const vote = meta.vote === undefined ? NEIGHBOUR_VOTE : meta.vote;
  // The head's out-of-fold score, mixed with the vote of the nearest passages of the other folds; the
  // hyperparameters above were chosen on the head alone.
  const headOof = outOfFoldScores(samples, options, folds);
  const votes = vote ? outOfFoldVotes(samples, groupFolds(samples, folds), vote) : undefined;
  const oof = votes && vote ? headOof.map((h, i) => mixVote(h, votes[i] as number, vote.weight)) : headOof;

  // Rules OR head, then each stance variant on the same folds; the best-ranked decision wins.
  const orHead = chooseCut(samples, oof, undefined, minPrecision, MAX_HARD_NEGATIVE_RATE);
  let best: { result: CutResult; variant?: StanceVariant; stance?: number[] } = { result: orHead };
  const foldOf = groupFolds(samples, folds);
  // Without the bars met, a stance stage (a second model that can veto rule hits) replaces rules OR
  // head only when its F1 is higher by more than one standard error: closer than that, the folds
  // cannot tell them apart, and a stage fitted to noise vetoed plain blame posts in the demo.
  const margin = f1StandardError(orHead.f1, samples.filter((s) => s.label).length);
  for (const variant of meta.stanceVariants ?? STANCE_VARIANTS) {
    const stance = outOfFoldStance(samples, variant, foldOf, folds);
    const result = chooseCut(samples, oof, stance, minPrecision, MAX_HARD_NEGATIVE_RATE);
    if (beatsDecision(best.result, result, best.variant === undefined ? margin : 0))
      best = { result, variant, stance };
  }

  // The first stage: its cut keeps what the decision chosen above tags on the same folds.
  const tagged = samples.map((s, i) =>
    s.gated ? decide(s.rules, oof[i] as number, best.stance?.[i], best.result.cut, s) : s.rules,
  );
  let screen: ScreenFile | undefined;
  let reaches = samples.map((s) => s.gated);
  if (meta.screen !== false) {
    const screenOof = outOfFoldScreen(samples, folds);
    const chosenScreen = chooseScreenCut(samples, screenOof, tagged);
    const fittedScreen = fitScreen(samples);
    screen = {
      l2: SCREEN_OPTIONS.l2,
      ngramWeight: SCREEN_OPTIONS.ngramWeight,
      bias: Math.round(fittedScreen.bias * 1e5) / 1e5,
      ngramWeights: round(fittedScreen.wn),
      threshold: chosenScreen.threshold,
      cv: chosenScreen.cv,
    };
    reaches = samples.map((s, i) => reachesEncoder(s, screenOof[i] as number, chosenScreen.threshold));
  }

  const fitted = fitLogistic(samples, options);
  const positives = samples.filter((s) => s.label).length;
  const { result, variant } = best;
  let stance: StanceFile | undefined;
  if (variant) {
    const s = fitStance(samples, variant);
    stance = {
      features: variant.features,
      l2: variant.options.l2,
      ngramWeight: variant.options.ngramWeight,
      bias: Math.round(s.bias * 1e5) / 1e5,
      mean: round(s.mean),
      scale: round(s.scale),
      embeddingWeights: round(s.we),
      ngramWeights: round(s.wn),
      threshold: result.cut.stance,
      ruleThreshold: result.cut.ruleStance,
      ...(result.cut.ruleStanceLangs ? { ruleLanguages: [...result.cut.ruleStanceLangs] } : {}),
    };
  }
  const head: HeadFile = {
    narrative: meta.narrative,
    encoder: meta.encoder,
    corpusHash: meta.corpusHash,
    trainedAt: new Date().toISOString(),
    threshold: result.cut.threshold,
    veto: result.cut.veto,
    cv: {
      precision: three(result.precision),
      recall: three(result.recall),
      f1: three(result.f1),
      hardNegativesTagged: three(result.hardNegativesTagged),
      positives,
      negatives: samples.length - positives,
      folds,
      rulesOrHead: {
        precision: three(orHead.precision),
        recall: three(orHead.recall),
        f1: three(orHead.f1),
        hardNegativesTagged: three(orHead.hardNegativesTagged),
      },
    },
    ngramWeight: options.ngramWeight,
    l2: options.l2,
    bias: Math.round(fitted.bias * 1e5) / 1e5,
    mean: round(fitted.mean),
    scale: round(fitted.scale),
    embeddingWeights: round(fitted.we),
    ngramWeights: round(fitted.wn),
    ...(vote ? { vote: { ...vote } } : {}),
    ...(stance ? { stance } : {}),
    ...(screen ? { screen } : {}),
  };
  return { head, reachesEncoder: reaches };
}
