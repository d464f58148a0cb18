import { describe, expect, it } from 'vitest';
import { ngramFeatures } from './features.ts';
import { headFrom } from './head.ts';
import { combineTags } from './runtime.ts';
import {
  beatsDecision,
  type CutResult,
  chooseCut,
  decide,
  evaluateCut,
  f1StandardError,
  fitStance,
  MIN_RULE_STANCE_POSITIVES,
  ruleStanceLanguages,
  STANCE_VARIANTS,
  withinOneStandardError,
} from './stance.ts';
import type { Sample } from './train.ts';
import { trainHead } from './train-head.ts';

// Team-written toy passages (unit tests only): positives and hard negatives share the topic words;
// only the hard negatives deny or report. Ordinary negatives are off topic.
const POSITIVE = [
  'Drones for the army come through Kazakhstan, the traitor ally',
  'Kazakhstan ships chips to the army, a conduit for the war',
  'Parts for the drones arrive via Kazakhstan every week',
  'Kazakhstan is the back door that feeds the war machine',
];
const HARD = [
  'The ministry denied that drones for the army come through Kazakhstan',
  'Officials called the claim that Kazakhstan ships chips a fake',
  'A court heard the case; the ministry denied the parts went via Kazakhstan',
  'Fact check: the story that Kazakhstan feeds the war machine is false',
];
const ORDINARY = ['Weather in Almaty: sunny, plus 25', 'The football club signed a new striker'];

function sample(text: string, label: boolean, hard: boolean, group: string, x: number[]): Sample {
  return {
    embedding: Float32Array.from(x),
    ngrams: ngramFeatures(text),
    label,
    group,
    rules: false,
    gated: !ORDINARY.includes(text),
    hardNegative: hard,
  };
}

// The "embedding" sees topic only: positives and hard negatives sit at the same point.
const samples: Sample[] = [];
for (let r = 0; r < 4; r++) {
  for (const [i, t] of POSITIVE.entries()) samples.push(sample(t, true, false, `p${i}-${r}`, [1, 0]));
  for (const [i, t] of HARD.entries()) samples.push(sample(t, false, true, `h${i}-${r}`, [1, 0]));
  for (const [i, t] of ORDINARY.entries()) samples.push(sample(t, false, false, `o${i}-${r}`, [-1, 0]));
}

describe('the stance stage', () => {
  it('decides rules OR head without a stance score, and asks the stance stage of both when there is one', () => {
    const cut = { threshold: 0.8, veto: 0, stance: 0.5, ruleStance: 0.4 };
    expect(decide(true, 0.1, undefined, cut)).toBe(true);
    expect(decide(false, 0.85, undefined, cut)).toBe(true);
    expect(decide(false, 0.5, undefined, cut)).toBe(false);
    // A rule hit the stance stage rejects is dropped; one it accepts stays.
    expect(decide(true, 0.1, 0.3, cut)).toBe(false);
    expect(decide(true, 0.1, 0.45, cut)).toBe(true);
    // A sure head still needs the stance stage.
    expect(decide(false, 0.95, 0.45, cut)).toBe(false);
    expect(decide(false, 0.95, 0.6, cut)).toBe(true);
  });

  it('judges rule hits only in its trained languages, and never a strong rule hit', () => {
    const cut = { threshold: 0.8, veto: 0, stance: 0.5, ruleStance: 0.4, ruleStanceLangs: ['ru', 'en'] };
    expect(decide(true, 0.1, 0.3, cut, { lang: 'ru' })).toBe(false);
    expect(decide(true, 0.1, 0.3, cut, { lang: 'kk' })).toBe(true);
    // Language unknown: the stage is not asked.
    expect(decide(true, 0.1, 0.3, cut)).toBe(true);
    expect(decide(true, 0.1, 0.3, cut, { lang: 'ru', strongRule: true })).toBe(true);
    // A head tag is judged in every language.
    expect(decide(false, 0.95, 0.3, cut, { lang: 'kk' })).toBe(false);
  });

  it('combines a post: a weak rule hit is judged in a trained language, kept in another, a strong one always', () => {
    const file = {
      narrative: 'toy',
      encoder: 'toy',
      corpusHash: 'x',
      trainedAt: '',
      threshold: 0.8,
      veto: 0,
      cv: { precision: 0, recall: 0, f1: 0, positives: 0, negatives: 0, folds: 0 },
      ngramWeight: 0,
      l2: 0,
      bias: 0,
      mean: [],
      scale: [],
      embeddingWeights: [],
      ngramWeights: [],
      stance: {
        features: 'char' as const,
        l2: 0,
        ngramWeight: 1,
        bias: 0,
        mean: [],
        scale: [],
        embeddingWeights: [],
        ngramWeights: [],
        threshold: 0.5,
        ruleThreshold: 0.4,
        ruleLanguages: ['ru'],
      },
    };
    const head = { ...headFrom(file), strongRuleScore: 7 };
    const classifier = { heads: [head], encoder: 'toy' };
    const ruled = (score: number) => ({
      narratives: ['toy'],
      narrativeEvidence: [{ narrative: 'toy', score, signals: [] }],
    });
    // Head score under its threshold, stance under the rule-hit cut.
    const result = { scores: { toy: 0.2 }, stance: { toy: 0.1 }, nearest: [] };
    expect(combineTags(ruled(4), result, classifier, ['toy'], 'ru').narratives).toEqual([]);
    expect(combineTags(ruled(4), result, classifier, ['toy'], 'kk').narratives).toEqual(['toy']);
    expect(combineTags(ruled(8), result, classifier, ['toy'], 'ru').narratives).toEqual(['toy']);
    // The kept tag's evidence carries the stance score.
    const kept = combineTags(ruled(4), result, classifier, ['toy'], 'kk').narrativeEvidence[0];
    expect(kept?.classifier?.stance).toBe(0.1);
  });

  it('lists the languages with enough labelled positives', () => {
    const s = (lang: string, label: boolean) => ({ ...(samples[0] as Sample), lang, label });
    const many = (lang: string, n: number, label = true) => Array.from({ length: n }, () => s(lang, label));
    const langs = ruleStanceLanguages([
      ...many('ru', MIN_RULE_STANCE_POSITIVES),
      ...many('kk', MIN_RULE_STANCE_POSITIVES - 1),
      ...many('en', MIN_RULE_STANCE_POSITIVES * 2, false),
    ]);
    expect(langs).toEqual(['ru']);
  });

  it('takes the most precise cut within one standard error of the best F1, and none beyond it', () => {
    const result = (precision: number, recall: number): CutResult => ({
      cut: { threshold: precision, veto: 0, stance: 0, ruleStance: 0 },
      precision,
      recall,
      f1: (2 * precision * recall) / (precision + recall),
      hardNegativesTagged: 0.2,
      rank: 0,
    });
    const best = result(0.56, 0.88); // F1 0.684; one SE over 100 positives ≈ 0.046
    const near = result(0.62, 0.7); // F1 0.658: within
    const far = result(0.8, 0.45); // F1 0.576: beyond, though more precise
    expect(withinOneStandardError(best, [best, near, far], 100)).toBe(near);
    // With many more positives the error shrinks and the best F1 stands.
    expect(withinOneStandardError(best, [best, near, far], 10_000)).toBe(best);
  });

  it('replaces rules OR head by a stance stage only beyond one standard error of F1, unless the bars decide', () => {
    const result = (f1: number, rank = 0, recall = 0.6): CutResult => ({
      cut: { threshold: 0.5, veto: 0, stance: 0, ruleStance: 0 },
      precision: 0.8,
      recall,
      f1,
      hardNegativesTagged: 0.02,
      rank,
    });
    // Blame in the thirteenth session: 0.687 → 0.696 on 189 positives (one error is 0.034).
    const margin = f1StandardError(0.687, 189);
    expect(margin).toBeCloseTo(0.0337, 3);
    expect(beatsDecision(result(0.687), result(0.696), margin)).toBe(false);
    expect(beatsDecision(result(0.687), result(0.696))).toBe(true);
    // Recruitment: 0.702 → 0.745 on 237 positives (0.030).
    expect(beatsDecision(result(0.702), result(0.745), f1StandardError(0.702, 237))).toBe(true);
    // Meeting the bars outranks F1; between two that meet them, recall decides.
    expect(beatsDecision(result(0.8), result(0.6, 1), 0.1)).toBe(true);
    expect(beatsDecision(result(0.6, 1), result(0.9), 0)).toBe(false);
    expect(beatsDecision(result(0.7, 1, 0.6), result(0.7, 1, 0.65), 0.1)).toBe(true);
  });

  it('learns from the passages it sees that a denial of the same topic is not the narrative', () => {
    const variant = STANCE_VARIANTS.find((v) => v.features === 'char');
    if (!variant) throw new Error('no char variant');
    const fitted = fitStance(samples, variant);
    const head = headFrom({
      narrative: 'toy',
      encoder: 'toy',
      corpusHash: 'x',
      trainedAt: '',
      threshold: 0.5,
      veto: 0,
      cv: { precision: 0, recall: 0, f1: 0, positives: 0, negatives: 0, folds: 0 },
      ngramWeight: 0,
      l2: 0,
      bias: 0,
      mean: [0, 0],
      scale: [1, 1],
      embeddingWeights: [0, 0],
      ngramWeights: [],
      stance: {
        features: 'char',
        l2: variant.options.l2,
        ngramWeight: variant.options.ngramWeight,
        bias: fitted.bias,
        mean: [],
        scale: [],
        embeddingWeights: [],
        ngramWeights: Array.from(fitted.wn),
        threshold: 0.5,
        ruleThreshold: 0.5,
      },
    });
    const e = Float32Array.from([1, 0]);
    const asserted =
      head.stanceScore?.(e, ngramFeatures('Drones come through Kazakhstan, the traitor ally')) ?? 0;
    const denied =
      head.stanceScore?.(e, ngramFeatures('The ministry denied that drones come through Kazakhstan')) ?? 1;
    expect(asserted).toBeGreaterThan(denied);
  });

  it('finds cuts that keep the hard negatives out when the head alone cannot tell them apart', () => {
    const head = samples.map((s) => (s.gated ? 0.9 : 0.1));
    const stance = samples.map((s) => (s.label ? 0.8 : 0.2));
    const orHead = chooseCut(samples, head, undefined, 0.9, 0.03);
    const withStance = chooseCut(samples, head, stance, 0.9, 0.03);
    expect(orHead.precision).toBeCloseTo(0.5);
    expect(withStance.precision).toBe(1);
    expect(withStance.recall).toBe(1);
    expect(evaluateCut(samples, head, stance, withStance.cut, 0.9, 0.03).hardNegativesTagged).toBe(0);
  });

  it('trains no stance stage when asked for none, and then reports rules OR head as its decision', () => {
    const alone = trainHead(samples, {
      narrative: 'toy',
      encoder: 'toy',
      corpusHash: 'x',
      folds: 4,
      stanceVariants: [],
    });
    expect(alone.stance).toBeUndefined();
    expect(alone.cv.rulesOrHead).toEqual({
      precision: alone.cv.precision,
      recall: alone.cv.recall,
      f1: alone.cv.f1,
      hardNegativesTagged: alone.cv.hardNegativesTagged,
    });
  });
});
