// A trained narrative head: logistic regression over the standardised sentence embedding and hashed
// character n-grams. Small enough to version in git (narratives/heads/<id>.json) beside the corpus hash
// it was trained from.
import { NGRAM_BUCKETS, type SparseVector } from './features.ts';
import type { VoteSettings } from './neighbours.ts';
import type { ScreenCv } from './screen.ts';
import type { Cut, StanceFeatures } from './stance.ts';

export interface HeadFile {
  narrative: string;
  /** The encoder the embedding weights belong to; a head for another encoder is not used. */
  encoder: string;
  /** sha256 of the training passages (corpus train split + the definition's examples). */
  corpusHash: string;
  trainedAt: string;
  threshold: number;
  /** A rule hit counts only when the head's score reaches this (0: the rules always count). */
  veto: number;
  /** Cross-validated on the train split, grouped by site, for the whole decision (see stance.ts). */
  cv: {
    precision: number;
    recall: number;
    f1: number;
    /** Share of the hard negatives tagged (rules OR head). */
    hardNegativesTagged?: number;
    positives: number;
    negatives: number;
    folds: number;
    /** The same folds decided by rules OR head alone, for comparison with the stance stage. */
    rulesOrHead?: { precision: number; recall: number; f1: number; hardNegativesTagged: number };
  };
  ngramWeight: number;
  l2: number;
  bias: number;
  /** Embedding standardisation from the training passages. */
  mean: number[];
  scale: number[];
  embeddingWeights: number[];
  ngramWeights: number[];
  /**
   * The vote of the nearest labelled passages (neighbours.ts): the head's score is
   * (1 − weight) × logistic + weight × vote, among the corpus train passages the narrative's gate lets
   * through. Absent: the logistic score alone (heads trained before it).
   */
  vote?: VoteSettings;
  /**
   * The stance stage (see stance.ts), when cross-validation on train kept it: its weights and the two
   * cuts a head tag and a rule hit must reach. Absent: rules OR head.
   */
  stance?: StanceFile;
  /**
   * The cascade's first stage (see screen.ts): a gate-passing post whose n-gram score is under
   * `threshold` and that no rule tags skips the encoder. Absent: every gate-passing post is encoded.
   */
  screen?: ScreenFile;
}

export interface ScreenFile {
  l2: number;
  ngramWeight: number;
  bias: number;
  ngramWeights: number[];
  threshold: number;
  /** What the cut does on the train split's out-of-fold scores, beside the full decision. */
  cv: ScreenCv;
}

export interface StanceFile {
  features: StanceFeatures;
  l2: number;
  ngramWeight: number;
  bias: number;
  mean: number[];
  scale: number[];
  embeddingWeights: number[];
  ngramWeights: number[];
  /** A head tag needs a stance score at least this. */
  threshold: number;
  /** A rule hit needs a stance score at least this. */
  ruleThreshold: number;
  /** The languages whose rule hits ruleThreshold applies to (absent: every language). */
  ruleLanguages?: string[];
}

export interface Head {
  narrative: string;
  encoder: string;
  threshold: number;
  veto: number;
  /** All the decision's thresholds (stance cuts 0 without a stance stage). */
  cut: Cut;
  file: HeadFile;
  /** The logistic score; the runtime mixes in the nearest passages' vote when `file.vote` says so. */
  score(embedding: Float32Array, ngrams: SparseVector): number;
  /** A rule hit scoring at least this is never judged by the stance stage (stance.ts, STRONG_RULE_FACTOR). */
  strongRuleScore?: number;
  /** The stance stage's probability, when the head has one. */
  stanceScore?(embedding: Float32Array, ngrams: SparseVector): number;
  /** The first stage, when the head has one: its n-gram score and the cut the encoder needs. */
  screen?: { threshold: number; score(ngrams: SparseVector): number };
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

type Weights = Pick<
  HeadFile,
  'bias' | 'mean' | 'scale' | 'embeddingWeights' | 'ngramWeights' | 'ngramWeight'
>;

/** A logistic scorer over the standardised embedding (if it has weights for one) and the n-grams. */
function linear(name: string, w: Weights): (embedding: Float32Array, ngrams: SparseVector) => number {
  if (w.ngramWeights.length !== NGRAM_BUCKETS && w.ngramWeights.length !== 0)
    throw new Error(`head ${name}: ${w.ngramWeights.length} n-gram weights, expected ${NGRAM_BUCKETS}`);
  const mean = Float32Array.from(w.mean);
  const scale = Float32Array.from(w.scale);
  const we = Float32Array.from(w.embeddingWeights);
  const wn = Float32Array.from(w.ngramWeights);
  return (embedding, ngrams) => {
    let z = w.bias;
    for (let i = 0; i < we.length; i++)
      z += (we[i] as number) * (((embedding[i] as number) - (mean[i] as number)) / (scale[i] as number));
    if (wn.length > 0)
      for (let k = 0; k < ngrams.index.length; k++)
        z += (wn[ngrams.index[k] as number] as number) * (ngrams.value[k] as number) * w.ngramWeight;
    return sigmoid(z);
  };
}

export function headFrom(file: HeadFile): Head {
  const veto = file.veto ?? 0;
  const cut: Cut = {
    threshold: file.threshold,
    veto,
    stance: file.stance?.threshold ?? 0,
    ruleStance: file.stance?.ruleThreshold ?? 0,
    ...(file.stance?.ruleLanguages ? { ruleStanceLangs: file.stance.ruleLanguages } : {}),
  };
  return {
    narrative: file.narrative,
    encoder: file.encoder,
    threshold: file.threshold,
    veto,
    cut,
    file,
    score: linear(file.narrative, file),
    ...(file.stance ? { stanceScore: linear(`${file.narrative} stance`, file.stance) } : {}),
    ...(file.screen ? { screen: screenFrom(file.narrative, file.screen) } : {}),
  };
}

const NO_EMBEDDING = new Float32Array(0);

function screenFrom(narrative: string, file: ScreenFile): NonNullable<Head['screen']> {
  const score = linear(`${narrative} screen`, { ...file, mean: [], scale: [], embeddingWeights: [] });
  return { threshold: file.threshold, score: (ngrams) => score(NO_EMBEDDING, ngrams) };
}
