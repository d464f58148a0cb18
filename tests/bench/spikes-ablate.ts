// Where the CUSUM's early recall at low rates goes: the low-rate bench on the TUNING seeds with the
// detector as shipped, with the baseline known (the ceiling of any baseline), and with one part of
// the detector switched off at a time. Bench-only switches (`CusumProbe`); production never sets
// them. npx tsx tests/bench/spikes-ablate.ts
//   BENCH_ABLATE=default,known,noGeneralRise picks variants (names below); all when unset.
import { pathToFileURL } from 'node:url';
import { DEFAULT_SPIKE_PARAMS, type SpikeParams } from '../../services/scheduler/src/spikes/detector.ts';
import { type LowRateOptions, runLowRates, TUNING_SEEDS } from './spikes-low-rate.ts';

const withCusum = (c: Partial<SpikeParams['cusum']>): SpikeParams => ({
  ...DEFAULT_SPIKE_PARAMS,
  cusum: { ...DEFAULT_SPIKE_PARAMS.cusum, ...c },
});

type Variant = { label: string; params?: SpikeParams; options?: LowRateOptions };

export const VARIANTS: Record<string, Variant> = {
  default: { label: 'as shipped (profile baseline, k 3, h 4, α 0.04, maxStep 1)' },
  known: { label: 'baseline known (true rate without events)', options: { knownBaseline: true } },
  knownNoGeneralRise: {
    label: 'baseline known, no general-rise lift',
    options: { knownBaseline: true, probe: { noGeneralRise: true } },
  },
  knownAlpha0: {
    label: 'baseline known, α 0',
    params: withCusum({ alpha: 0 }),
    options: { knownBaseline: true },
  },
  noGeneralRise: { label: 'no general-rise lift', options: { probe: { noGeneralRise: true } } },
  keepBursts: { label: 'no burst exclusion (withoutBursts off)', options: { probe: { keepBursts: true } } },
  alpha0: { label: 'α 0 in the increments (Poisson)', params: withCusum({ alpha: 0 }) },
  maxStep2: { label: 'maxStep 2', params: withCusum({ maxStep: 2 }) },
  maxStepInf: { label: 'maxStep ∞ (no cap)', params: withCusum({ maxStep: Number.POSITIVE_INFINITY }) },
  noMinCount: { label: 'no minCount over the span', options: { probe: { noMinCount: true } } },
  noShareRatio: { label: 'no minShareRatio over the span', options: { probe: { noShareRatio: true } } },
  noSpanGuards: {
    label: 'neither minCount nor minShareRatio over the span',
    options: { probe: { noMinCount: true, noShareRatio: true } },
  },
  untrimmedLevel: { label: 'level untrimmed', options: { probe: { untrimmedLevel: true } } },
};

const f = (x: number) => x.toFixed(3);

export function runAblations(names: readonly string[] = Object.keys(VARIANTS)): string[] {
  const lines: string[] = [];
  for (const name of names) {
    const v = VARIANTS[name];
    if (!v) throw new Error(`unknown variant ${name}; choose from ${Object.keys(VARIANTS).join(', ')}`);
    const { figures } = runLowRates(v.params ?? DEFAULT_SPIKE_PARAMS, TUNING_SEEDS, v.label, v.options ?? {});
    const parts = figures.map(
      (r) =>
        `${r.rate}/h ${f(r.within[3])}/${f(r.within[6])}/${f(r.within[12])}/${f(r.within[24])} med ${r.medianDelay ?? '–'} h, ${f(r.falsePerWeek)} false, floods ${f(r.floodShare)}`,
    );
    lines.push(`${name} (${v.label}; tuning seeds ${TUNING_SEEDS.join(', ')}): ${parts.join(' | ')}`);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const asked = process.env['BENCH_ABLATE']?.split(',').filter(Boolean) ?? Object.keys(VARIANTS);
  // One at a time, so each line shows as soon as it is measured.
  for (const name of asked) for (const line of runAblations([name])) process.stdout.write(`${line}\n`);
}
