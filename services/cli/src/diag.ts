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
  HYPERPARAMETERS,
  metricsOf,
  outOfFoldScores,
  type Sample,
} from '../../../packages/enrichment/src/classifier/train.ts';
import { trainingPassages } from '../../../packages/enrichment/src/classifier/train-narratives.ts';

const layers = process.argv[2] ?? '6';
const maxTokens = Number(process.argv[3] ?? 128);
const defs = loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR);
const passages = trainingPassages(loadCorpus().train, defs);
const enc = await loadEncoder(`/work/main/.cache/encoder/e5-small-int8-L${layers}`, { maxTokens });
const t0 = performance.now();
const emb = await enc.embed(passages.map((t) => t.text));
console.log(
  'L',
  layers,
  'maxTokens',
  maxTokens,
  'ms/passage',
  ((performance.now() - t0) / passages.length).toFixed(2),
);
const compiled = compileNarratives(defs);
const gate = compileGate(defs);
for (const d of defs) {
  const samples: Sample[] = passages.map((t, i) => ({
    embedding: emb[i]!,
    ngrams: ngramFeatures(t.text),
    label: t.narratives.includes(d.id),
    group: t.group,
    rules: tagNarratives(compiled, t.text).narratives.includes(d.id),
    gated: gate.match(t.text).includes(d.id),
  }));
  for (const opt of HYPERPARAMETERS) {
    const sc = outOfFoldScores(samples, opt, 5);
    const { threshold, veto } = chooseThreshold(samples, sc, 0.9, process.env.NOVETO ? [0] : undefined);
    const m = metricsOf(countCombined(samples, sc, threshold, veto));
    const noRules = samples.map((s) => ({ ...s, rules: false }));
    let best = 0;
    for (let t = 0.05; t < 0.99; t += 0.01)
      best = Math.max(best, metricsOf(countCombined(noRules, sc, t)).f1);
    console.log(
      d.id.slice(0, 8),
      JSON.stringify(opt),
      'chosen t',
      threshold,
      'veto',
      veto,
      'P',
      m.precision.toFixed(3),
      'R',
      m.recall.toFixed(3),
      'F1',
      m.f1.toFixed(3),
      '| head-only best F1',
      best.toFixed(3),
    );
  }
}
await enc.close();
