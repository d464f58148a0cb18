// Choosing the CUSUM's k, h and the rest on the TUNING seeds only (the figures `pnpm bench spikes`
// reports come from other seeds): each combination runs the low-rate and high-rate benches and
// prints one line. npx tsx tests/bench/spikes-tune.ts
//   BENCH_TUNE='{"ratio":[3,4],"threshold":[4,5,6]}' overrides the grid (any CusumParams field).
import type { CusumParams } from '../../services/scheduler/src/spikes/cusum.ts';
import { DEFAULT_SPIKE_PARAMS, type SpikeParams } from '../../services/scheduler/src/spikes/detector.ts';
import { cusumLabel, TUNING_SEEDS as HIGH_TUNING, runHighRates } from './spikes.ts';
import { TUNING_SEEDS as LOW_TUNING, runLowRates } from './spikes-low-rate.ts';

type Grid = { [K in keyof CusumParams]?: CusumParams[K][] };
const grid = JSON.parse(process.env['BENCH_TUNE'] ?? '{"ratio":[3,4],"threshold":[4,5,6]}') as Grid;

let combos: Partial<CusumParams>[] = [{}];
for (const [key, values] of Object.entries(grid) as [keyof CusumParams, unknown[]][])
  combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));

const f = (x: number) => x.toFixed(3);
for (const combo of combos) {
  const params: SpikeParams = {
    ...DEFAULT_SPIKE_PARAMS,
    // BENCH_TUNE_SCALES='[1,3,6,12,24]': the CUSUM beside the window scan.
    scales: JSON.parse(process.env['BENCH_TUNE_SCALES'] ?? '[1]') as number[],
    cusum: { ...DEFAULT_SPIKE_PARAMS.cusum, ...combo },
  };
  const low = runLowRates(params, LOW_TUNING).figures;
  const high = process.env['BENCH_TUNE_HIGH'] === '0' ? undefined : runHighRates(params, HIGH_TUNING);
  const parts = low.map(
    (r) =>
      `${r.rate}/h ${f(r.within[3])}/${f(r.within[6])}/${f(r.within[12])}/${f(r.within[24])} med ${r.medianDelay ?? '–'} h, ${f(r.falsePerWeek)} false, floods ${f(r.floodShare)}`,
  );
  process.stdout.write(
    `${cusumLabel(params)}, spread ${params.cusum.spread}, scales ${params.scales.join('/')}, floor ${params.cusum.floor}, maxStep ${params.cusum.maxStep}: ${parts.join(' | ')}${high ? ` | high: recall ${f(high.recall)}, ${f(high.falsePerWeek)} false` : ''}\n`,
  );
}
