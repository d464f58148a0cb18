// The nearest passages' vote: toy similarities and embeddings (behaviour, not quality).
import { describe, expect, it } from 'vitest';
import { ngramFeatures } from './features.ts';
import { mixVote, neighbourVote, outOfFoldVotes } from './neighbours.ts';
import type { Sample } from './train.ts';

describe('neighbourVote', () => {
  const sims = [0.9, 0.89, 0.5, 0.95, 0.2];
  const positive = [true, false, true, false, true];
  const vote = (pool: number[], k: number, temperature = 0.02) =>
    neighbourVote(
      (i) => sims[i] as number,
      pool,
      (i) => positive[i] as boolean,
      { k, temperature },
    );

  it('is the share of positives among the k most similar, weighted by similarity', () => {
    // k 1: the most similar alone (index 3, negative).
    expect(vote([0, 1, 2, 3, 4], 1)).toBe(0);
    // k 3: 0.95 (no), 0.9 (yes), 0.89 (no): weights e^0, e^-2.5, e^-3.
    const w = [1, Math.exp(-2.5), Math.exp(-3)];
    expect(vote([0, 1, 2, 3, 4], 3)).toBeCloseTo((w[1] as number) / (w[0]! + w[1]! + w[2]!), 6);
    // A high temperature weighs them alike.
    expect(vote([0, 1, 2, 3, 4], 3, 1e6)).toBeCloseTo(1 / 3, 5);
  });

  it('reads only the pool, and is 0 for an empty one', () => {
    expect(vote([0, 2, 4], 2)).toBe(1);
    expect(vote([], 5)).toBe(0);
  });

  it('mixes into the head score by its weight', () => {
    expect(mixVote(0.2, 1, 0.5)).toBeCloseTo(0.6);
    expect(mixVote(0.2, 1, 0)).toBeCloseTo(0.2);
  });
});

describe('outOfFoldVotes', () => {
  const unit = (x: number, y: number) => {
    const n = Math.hypot(x, y);
    return Float32Array.from([x / n, y / n]);
  };
  const sample = (v: Float32Array, label: boolean, group: string, extra: Partial<Sample> = {}): Sample => ({
    embedding: v,
    ngrams: ngramFeatures(''),
    label,
    group,
    rules: false,
    gated: true,
    ...extra,
  });

  it("counts only the other folds' gate-passing corpus passages", () => {
    const samples = [
      sample(unit(1, 0), true, 'a'),
      // Same fold as the first, and identical: it must not vote for it.
      sample(unit(1, 0), false, 'a'),
      sample(unit(1, 0.01), false, 'b'),
      sample(unit(0, 1), true, 'c'),
      // A definition's example, nearest of all to the first: not in the runtime's index, so no vote.
      sample(unit(1, 0.001), true, 'examples:x', { voter: false }),
      // Outside the gate: neither votes nor is voted on.
      sample(unit(1, 0.002), true, 'd', { gated: false }),
    ];
    const foldOf = [0, 0, 1, 2, 3, 1];
    const votes = outOfFoldVotes(samples, foldOf, { k: 1, temperature: 0.02, weight: 0.5 });
    // The first sample's nearest other-fold voter is b (negative).
    expect(votes[0]).toBe(0);
    // b's nearest are a (positive) and its twin (negative), tied: the first in the pool stands.
    expect(votes[2]).toBe(1);
    // Leave the example in and it wins the first sample's vote.
    const withExample = outOfFoldVotes(
      samples.map((s) => ({ ...s, voter: true })),
      foldOf,
      { k: 1, temperature: 0.02, weight: 0.5 },
    );
    expect(withExample[0]).toBe(1);
    expect(votes[5]).toBe(0);
  });
});
