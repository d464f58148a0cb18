import { describe, expect, it } from 'vitest';
import { ngramFeatures } from './features.ts';
import { chooseThreshold, combined, fitLogistic, groupFolds, type Sample, scoreFitted } from './train.ts';

function sample(x: number[], label: boolean, group: string, rules = false): Sample {
  return { embedding: Float32Array.from(x), ngrams: ngramFeatures(''), label, group, rules, gated: true };
}

describe('training a head', () => {
  it('separates classes that the embedding separates', () => {
    const samples = Array.from({ length: 40 }, (_, i) =>
      sample([i % 2 ? 1 : -1, Math.sin(i)], i % 2 === 1, `s${i % 7}`),
    );
    const fitted = fitLogistic(samples, { l2: 1e-3, ngramWeight: 0 });
    expect(scoreFitted(fitted, sample([1, 0], true, 'x'), 0)).toBeGreaterThan(0.8);
    expect(scoreFitted(fitted, sample([-1, 0], false, 'x'), 0)).toBeLessThan(0.2);
  });

  it('never splits a site across folds', () => {
    const samples = Array.from({ length: 50 }, (_, i) => sample([i], i % 3 === 0, `site${i % 9}`));
    const folds = groupFolds(samples, 5);
    const foldOfSite = new Map<string, number>();
    samples.forEach((s, i) => {
      expect(foldOfSite.get(s.group) ?? folds[i]).toBe(folds[i]);
      foldOfSite.set(s.group, folds[i] as number);
    });
    expect(new Set(folds).size).toBe(5);
  });

  it('lets the head overrule a rule hit only below the veto, and tag alone above its threshold', () => {
    expect(combined(true, 0.01, 0.8, 0.05)).toBe(false);
    expect(combined(true, 0.3, 0.8, 0.05)).toBe(true);
    expect(combined(false, 0.85, 0.8, 0.05)).toBe(true);
    expect(combined(false, 0.5, 0.8, 0.05)).toBe(false);
  });

  it('chooses a threshold that meets the precision asked for when one exists', () => {
    const samples = [
      ...Array.from({ length: 10 }, (_, i) => sample([0], true, `p${i}`)),
      ...Array.from({ length: 10 }, (_, i) => sample([0], false, `n${i}`)),
    ];
    const scores = [
      ...Array.from({ length: 10 }, (_, i) => 0.5 + i * 0.05),
      ...Array.from({ length: 10 }, (_, i) => 0.1 + i * 0.05),
    ];
    const { threshold } = chooseThreshold(samples, scores, 0.95);
    const tagged = samples.filter((_, i) => (scores[i] as number) >= threshold);
    expect(tagged.filter((s) => !s.label)).toHaveLength(0);
    expect(tagged.length).toBeGreaterThanOrEqual(6);
  });
});
