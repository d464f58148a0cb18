// A trained narrative head: logistic regression over the standardised sentence embedding and hashed
// character n-grams. Small enough to version in git (narratives/heads/<id>.json) beside the corpus hash
// it was trained from.
import { NGRAM_BUCKETS, type SparseVector } from './features.ts';

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
  /** Cross-validated on the train split, grouped by site, at `threshold` (combined with the rules). */
  cv: {
    precision: number;
    recall: number;
    f1: number;
    /** Share of the hard negatives tagged (rules OR head). */
    hardNegativesTagged?: number;
    positives: number;
    negatives: number;
    folds: number;
  };
  ngramWeight: number;
  l2: number;
  bias: number;
  /** Embedding standardisation from the training passages. */
  mean: number[];
  scale: number[];
  embeddingWeights: number[];
  ngramWeights: number[];
}

export interface Head {
  narrative: string;
  encoder: string;
  threshold: number;
  veto: number;
  file: HeadFile;
  score(embedding: Float32Array, ngrams: SparseVector): number;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function headFrom(file: HeadFile): Head {
  if (file.ngramWeights.length !== NGRAM_BUCKETS && file.ngramWeights.length !== 0)
    throw new Error(
      `head ${file.narrative}: ${file.ngramWeights.length} n-gram weights, expected ${NGRAM_BUCKETS}`,
    );
  const mean = Float32Array.from(file.mean);
  const scale = Float32Array.from(file.scale);
  const we = Float32Array.from(file.embeddingWeights);
  const wn = Float32Array.from(file.ngramWeights);
  return {
    narrative: file.narrative,
    encoder: file.encoder,
    threshold: file.threshold,
    veto: file.veto ?? 0,
    file,
    score(embedding, ngrams) {
      let z = file.bias;
      for (let i = 0; i < we.length; i++)
        z += (we[i] as number) * (((embedding[i] as number) - (mean[i] as number)) / (scale[i] as number));
      if (wn.length > 0)
        for (let k = 0; k < ngrams.index.length; k++)
          z += (wn[ngrams.index[k] as number] as number) * (ngrams.value[k] as number) * file.ngramWeight;
      return sigmoid(z);
    },
  };
}
