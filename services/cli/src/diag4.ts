import { loadEncoder } from '@cw/encoder';
import {
  compileGate,
  compileNarratives,
  DEFAULT_NARRATIVES_DIR,
  loadCorpus,
  loadNarrativeDefinitions,
  ngramFeatures,
  tagNarratives,
} from '@cw/enrichment';
import {
  chooseThreshold,
  countCombined,
  fitLogistic,
  groupFolds,
  metricsOf,
  type Sample,
  scoreFitted,
} from '../../../packages/enrichment/src/classifier/train.ts';
import { trainingPassages } from '../../../packages/enrichment/src/classifier/train-narratives.ts';

const defs = loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR);
const passages = trainingPassages(loadCorpus().train, defs);
const enc = await loadEncoder(`/work/main/.cache/encoder/e5-small-int8-L6`);
const emb = await enc.embed(passages.map((t) => t.text));
const compiled = compileNarratives(defs);
const gate = compileGate(defs);
const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
for (const d of defs) {
  const samples: Sample[] = passages.map((t, i) => ({
    embedding: emb[i]!,
    ngrams: ngramFeatures(t.text),
    label: t.narratives.includes(d.id),
    group: t.group,
    rules: tagNarratives(compiled, t.text).narratives.includes(d.id),
    gated: gate.match(t.text).includes(d.id),
  }));
  const folds = groupFolds(samples, 5);
  const lr = new Array(samples.length).fill(0);
  const knn: Record<string, number[]> = {};
  const configs = [
    [5, 0.01],
    [10, 0.01],
    [10, 0.03],
    [20, 0.02],
  ] as const;
  for (const c of configs) knn[c.join()] = new Array(samples.length).fill(0);
  for (let f = 0; f < 5; f++) {
    const tr = samples.filter((_, i) => folds[i] !== f);
    const fit = fitLogistic(tr, { l2: 1e-2, ngramWeight: 1 });
    samples.forEach((s, i) => {
      if (folds[i] !== f) return;
      lr[i] = scoreFitted(fit, s, 1);
      const sims = tr
        .map((t) => ({ s: dot(s.embedding, t.embedding), y: t.label ? 1 : 0 }))
        .sort((a, b) => b.s - a.s);
      for (const [k, tau] of configs) {
        let num = 0,
          den = 0;
        for (const x of sims.slice(0, k)) {
          const w = Math.exp((x.s - sims[0]!.s) / tau);
          num += w * x.y;
          den += w;
        }
        knn[[k, tau].join()]![i] = num / den;
      }
    });
  }
  const report = (name: string, sc: number[]) => {
    const { threshold, veto } = chooseThreshold(samples, sc, 0.9);
    const m = metricsOf(countCombined(samples, sc, threshold, veto));
    console.log(
      d.id.slice(0, 8),
      name.padEnd(16),
      'P',
      m.precision.toFixed(3),
      'R',
      m.recall.toFixed(3),
      'F1',
      m.f1.toFixed(3),
    );
  };
  report('lr', lr);
  for (const c of configs) {
    const k = knn[c.join()]!;
    report('knn ' + c.join(), k);
    for (const a of [0.3, 0.5, 0.7])
      report(
        `mix${a} ` + c.join(),
        lr.map((x, i) => a * x + (1 - a) * k[i]!),
      );
  }
}
await enc.close();
