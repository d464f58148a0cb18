// The stance stage: a second logistic regression over the candidates only, fitted on the positives
// against the hard negatives (same topic, no narrative: denials, debunks, court reports, news about
// recruitment). The head learns the topic from every passage; this stage only ever sees passages that
// share the topic, so what separates its classes is how the passage speaks (asserts, urges, relays)
// rather than what it speaks about. A tag then needs both stages, and a rule hit needs the stance
// stage too: the rules were written against team-made text and fire on reports and denials.
import { type FitOptions, type Fitted, fitLogistic, metricsOf, type Sample, scoreFitted } from './train.ts';

/** What the stance stage reads: the hashed character n-grams alone, or the embedding with them. */
export type StanceFeatures = 'char' | 'embedding+char';

export interface StanceVariant {
  features: StanceFeatures;
  options: FitOptions;
}

/**
 * Variants train may choose by cross-validation. Measured on the train split (5 site-grouped folds):
 * word uni/bigrams of stems did worse than n-grams for both narratives, stems added to the embedding
 * and n-grams changed nothing, a stronger L2 (1e-2) lost F1 and recall (README, narrative tagging).
 * Weight 20 beside 1 for the reason HYPERPARAMETERS gives (train-head.ts).
 */
export const STANCE_VARIANTS: readonly StanceVariant[] = [
  { features: 'char', options: { l2: 1e-3, ngramWeight: 1 } },
  { features: 'embedding+char', options: { l2: 1e-3, ngramWeight: 1 } },
  { features: 'char', options: { l2: 1e-3, ngramWeight: 20 } },
  { features: 'embedding+char', options: { l2: 1e-3, ngramWeight: 20 } },
];

/** The decision's thresholds: head score, rules' floor on it (veto), and the stance stage's two cuts. */
export interface Cut {
  threshold: number;
  veto: number;
  /** A head tag needs a stance score at least this (0: the stance stage is not asked). */
  stance: number;
  /** A rule hit needs a stance score at least this (0: rule hits always count). */
  ruleStance: number;
  /**
   * Languages whose rule hits the stance stage judges (undefined: every language). A rule hit in any
   * other language always counts: the stage has hardly seen that language's positives.
   */
  ruleStanceLangs?: readonly string[];
}

/**
 * A rule hit scoring at least this many times its definition's threshold is never judged by the stance
 * stage: that many signal groups at once (contract, payment, a contact to write to...) is the call to
 * act the definition describes, not a report quoting one term. On the train split it covers 7 of the
 * 88 recruitment rule hits (6 of them positives) and 2 of the 45 blame ones (both positives); the
 * demo's generated recruitment ads all score 7–10 against 3.5.
 */
export const STRONG_RULE_FACTOR = 2;

export function isStrongRule(evidence: { score: number } | undefined, threshold: number): boolean {
  return evidence !== undefined && evidence.score >= threshold * STRONG_RULE_FACTOR;
}

/** What the decision knows about the post besides its scores. */
export interface PostFacts {
  /** The detected language. */
  lang?: string | undefined;
  /** The rule hit is strong (STRONG_RULE_FACTOR). */
  strongRule?: boolean | undefined;
}

/** Whether the stance stage judges a rule hit: not a strong one, and only in its trained languages. */
export function judgesRuleHit(cut: Cut, post: PostFacts = {}): boolean {
  if (cut.ruleStance <= 0 || post.strongRule === true) return false;
  const lang = post.lang;
  if (cut.ruleStanceLangs === undefined) return true;
  return lang !== undefined && cut.ruleStanceLangs.includes(lang);
}

/**
 * Whether a candidate is tagged. Without a stance score (a head trained without the stage, or a post
 * the stage did not score) it is rules OR head, as before.
 */
export function decide(
  rules: boolean,
  score: number,
  stance: number | undefined,
  cut: Cut,
  post: PostFacts = {},
): boolean {
  if (stance === undefined) return score >= cut.threshold || (rules && score >= cut.veto);
  return (
    (score >= cut.threshold && stance >= cut.stance) ||
    (rules && score >= cut.veto && (stance >= cut.ruleStance || !judgesRuleHit(cut, post)))
  );
}

/** The empty embedding: a scorer with no embedding weights reads the n-grams alone. */
export const NO_EMBEDDING = new Float32Array(0);

export function stanceView(s: Sample, features: StanceFeatures): Sample {
  return features === 'char' ? { ...s, embedding: NO_EMBEDDING } : s;
}

/** Positives and hard negatives that the narrative's gate lets through: what the stage is fitted on. */
export const inStanceSet = (s: Sample) => s.gated && (s.label || s.hardNegative === true);

export function fitStance(samples: readonly Sample[], variant: StanceVariant): Fitted {
  return fitLogistic(
    samples.filter(inStanceSet).map((s) => stanceView(s, variant.features)),
    variant.options,
  );
}

export function scoreStance(
  fitted: Fitted,
  s: { embedding: Float32Array; ngrams: Sample['ngrams'] },
  variant: StanceVariant,
) {
  return scoreFitted(
    fitted,
    { embedding: variant.features === 'char' ? NO_EMBEDDING : s.embedding, ngrams: s.ngrams },
    variant.options.ngramWeight,
  );
}

/** Out-of-fold stance scores for every sample, the stage fitted on the other folds' stance set. */
export function outOfFoldStance(
  samples: readonly Sample[],
  variant: StanceVariant,
  foldOf: readonly number[],
  folds: number,
): number[] {
  const scores = new Array<number>(samples.length).fill(0);
  for (let f = 0; f < folds; f++) {
    const train = samples.filter((s, i) => foldOf[i] !== f && inStanceSet(s));
    if (!train.some((s) => s.label) || !train.some((s) => !s.label)) continue;
    const fitted = fitStance(train, variant);
    samples.forEach((s, i) => {
      if (foldOf[i] === f) scores[i] = scoreStance(fitted, s, variant);
    });
  }
  return scores;
}

/**
 * Recall a decision must keep to count as meeting the bars: without it, tagging almost nothing meets
 * any precision asked for, and would win over every useful cut.
 */
export const MIN_RECALL = 0.5;

export interface CutResult {
  cut: Cut;
  precision: number;
  recall: number;
  f1: number;
  hardNegativesTagged: number;
  /**
   * 1 when precision, the hard-negative bar and MIN_RECALL are all met (then recall decides), else 0
   * (then F1 decides).
   */
  rank: number;
}

export function evaluateCut(
  samples: readonly Sample[],
  scores: readonly number[],
  stance: readonly number[] | undefined,
  cut: Cut,
  minPrecision: number,
  maxHardNegativeRate: number,
): CutResult {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  let hard = 0;
  let hardTagged = 0;
  samples.forEach((s, i) => {
    const tagged = s.gated ? decide(s.rules, scores[i] as number, stance?.[i], cut, s) : s.rules;
    if (tagged && s.label) c.tp++;
    else if (tagged) c.fp++;
    else if (s.label) c.fn++;
    else c.tn++;
    if (s.hardNegative) {
      hard++;
      if (tagged) hardTagged++;
    }
  });
  const m = metricsOf(c);
  const hardNegativesTagged = hard > 0 ? hardTagged / hard : 0;
  const rank =
    m.precision >= minPrecision && hardNegativesTagged <= maxHardNegativeRate && m.recall >= MIN_RECALL
      ? 1
      : 0;
  return { cut, ...m, hardNegativesTagged, rank };
}

export function betterCut(a: CutResult | undefined, b: CutResult): boolean {
  if (!a) return true;
  if (b.rank !== a.rank) return b.rank > a.rank;
  if (b.rank > 0) return b.recall > a.recall || (b.recall === a.recall && b.f1 > a.f1);
  return b.f1 > a.f1;
}

const HEAD_CUTS = Array.from({ length: 95 }, (_, k) => (k + 5) / 100);
const STANCE_CUTS = [0, ...Array.from({ length: 19 }, (_, k) => (k + 1) / 20)];
/**
 * The highest stance cut a rule hit may be asked to pass, and only in a language where the stage saw
 * at least MIN_RULE_STANCE_POSITIVES positives (ruleStanceLanguages). On text unlike every training
 * passage the stage is unsure: the demo's Kazakh recruitment posts (the corpus has two Kazakh
 * positives) once scored 0.48–0.55, and a cut of 0.25 applied in every language dropped 8 Kazakh and
 * 1 Russian generated recruitment posts over 14 demo hours. Rule terms that matched are evidence; a
 * second stage that has hardly seen the language must not erase them.
 */
export const MAX_RULE_STANCE = 0.3;
export const MIN_RULE_STANCE_POSITIVES = 20;

/** Languages with enough labelled positives for the stance stage to judge their rule hits. */
export function ruleStanceLanguages(samples: readonly Sample[]): string[] {
  const count = new Map<string, number>();
  for (const s of samples)
    if (s.label && s.lang !== undefined) count.set(s.lang, (count.get(s.lang) ?? 0) + 1);
  return [...count]
    .filter(([, n]) => n >= MIN_RULE_STANCE_POSITIVES)
    .map(([lang]) => lang)
    .sort();
}
const RULE_STANCE_CUTS = STANCE_CUTS.filter((c) => c <= MAX_RULE_STANCE);

/**
 * The thresholds with the best recall among those meeting the precision and hard-negative bars, else
 * the best F1, searched on out-of-fold scores. Without stance scores only the head threshold moves.
 */
export function chooseCut(
  samples: readonly Sample[],
  scores: readonly number[],
  stance: readonly number[] | undefined,
  minPrecision: number,
  maxHardNegativeRate: number,
  veto = 0,
  ruleLangs: readonly string[] | undefined = ruleStanceLanguages(samples),
): CutResult {
  let best: CutResult | undefined;
  const all: CutResult[] = [];
  const stanceCuts = stance ? STANCE_CUTS : [0];
  const ruleCuts = stance ? RULE_STANCE_CUTS : [0];
  for (const threshold of HEAD_CUTS) {
    if (threshold < veto) continue;
    for (const s of stanceCuts)
      for (const r of ruleCuts) {
        const result = evaluateCut(
          samples,
          scores,
          stance,
          { threshold, veto, stance: s, ruleStance: r, ...(r > 0 ? { ruleStanceLangs: ruleLangs } : {}) },
          minPrecision,
          maxHardNegativeRate,
        );
        all.push(result);
        if (betterCut(best, result)) best = result;
      }
  }
  return withinOneStandardError(best as CutResult, all, samples.filter((s) => s.label).length);
}

/**
 * Whether `challenger` beats the `current` decision on the same folds: a higher rank (the bars met);
 * at rank 1 more recall; at rank 0 an F1 higher by more than `margin`.
 */
export function beatsDecision(current: CutResult, challenger: CutResult, margin = 0): boolean {
  if (challenger.rank !== current.rank) return challenger.rank > current.rank;
  if (challenger.rank > 0) return challenger.recall > current.recall;
  return challenger.f1 > current.f1 + margin;
}

/** √(F1(1−F1)/positives): how far apart two cross-validated F1 figures must be to tell them apart. */
export function f1StandardError(f1: number, positives: number): number {
  return positives > 0 ? Math.sqrt((f1 * (1 - f1)) / positives) : 0;
}

/**
 * When no cut meets the bars, the best F1 on out-of-fold scores is itself a noisy estimate: any cut
 * within one standard error of it (√(F1(1−F1)/positives), binomial over the positives) is as good as
 * far as cross-validation can tell. Of those, the most precise wins: precision is the target furthest
 * from being met, and a false tag costs an analyst more than a missed one costs a trend.
 */
export function withinOneStandardError(
  best: CutResult,
  all: readonly CutResult[],
  positives: number,
): CutResult {
  if (best.rank > 0 || positives === 0) return best;
  const se = f1StandardError(best.f1, positives);
  let chosen = best;
  for (const r of all)
    if (
      r.rank === 0 &&
      r.f1 >= best.f1 - se &&
      r.recall >= MIN_RECALL &&
      (r.precision > chosen.precision || (r.precision === chosen.precision && r.f1 > chosen.f1))
    )
      chosen = r;
  return chosen;
}
