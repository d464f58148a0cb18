// Where the CUSUM's early recall at low rates goes: the low-rate bench on the TUNING seeds with the
// detector as shipped, with the baseline known (the ceiling of any baseline), and with one part of
// the detector switched off at a time. Bench-only switches (`CusumProbe`); production never sets
// them. npx tsx tests/bench/spikes-ablate.ts
//   BENCH_ABLATE=default,known,noGeneralRise picks variants (names below, plus `plain`: the plain
//   CUSUM on rises alone, and `baseline`: the profile's bias at the rises); all when unset.
//   Figures: services/scheduler/README.md, "Where the early recall at low rates goes".
import { pathToFileURL } from 'node:url';
import { seededRandom } from '@cw/sample-channels';
import { logLikelihoodRatio } from '../../services/scheduler/src/spikes/cusum.ts';
import { DEFAULT_SPIKE_PARAMS, type SpikeParams } from '../../services/scheduler/src/spikes/detector.ts';
import { profileExpectedCounts } from '../../services/scheduler/src/spikes/profile-baseline.ts';
import { poisson, seasonal } from './spike-series.ts';
import { type LowRateOptions, lowRateSeries, runLowRates, TUNING_SEEDS } from './spikes-low-rate.ts';

const withCusum = (c: Partial<SpikeParams['cusum']>): SpikeParams => ({
  ...DEFAULT_SPIKE_PARAMS,
  cusum: { ...DEFAULT_SPIKE_PARAMS.cusum, ...c },
});

type Variant = { label: string; params?: SpikeParams; options?: LowRateOptions };

export const VARIANTS: Record<string, Variant> = {
  default: { label: 'as shipped (profile baseline, k 3, h 4, α 0.04, maxStep 1)' },
  known: { label: 'baseline known (true rate without events)', options: { knownBaseline: true } },
  knownWithoutDayNoise: {
    label: 'baseline known without the day-to-day swing (seasonal rate only)',
    options: { knownBaseline: 'withoutDayNoise' },
  },
  knownHigh10: {
    label: 'baseline known × 1.10 (the bias the profile shows at the rises, without its noise)',
    options: { knownBaseline: true, knownScale: 1.1 },
  },
  knownHigh15: { label: 'baseline known × 1.15', options: { knownBaseline: true, knownScale: 1.15 } },
  knownNoGeneralRise: {
    label: 'baseline known, no general-rise lift',
    options: { knownBaseline: true, probe: { noGeneralRise: true } },
  },
  knownAlpha0: {
    label: 'baseline known, α 0',
    params: withCusum({ alpha: 0 }),
    options: { knownBaseline: true },
  },
  knownPure: {
    label:
      'baseline known, Poisson (α 0), no cap, no lift, no burst exclusion, no span guards: the plain CUSUM',
    params: withCusum({ alpha: 0, maxStep: Number.POSITIVE_INFINITY }),
    options: {
      knownBaseline: true,
      probe: { noGeneralRise: true, keepBursts: true, noMinCount: true, noShareRatio: true },
    },
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
  dropRiseDays: {
    label: 'level without the days 2σ above it, then trimmed',
    options: { probe: { dropRiseDays: true } },
  },
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

/**
 * The plain CUSUM (k 3, h 4, Poisson, the rate known) on rises alone, no detector around it: 48 h
 * of ordinary posting, then a 3× rise for 24 h starting at a random hour of the week. With a flat
 * rate (as the lead's simulation) and with the bench's day curve and weekends, to tell what the
 * bench's own series cost from what the detector costs.
 */
export function plainCusumCeiling(trials = 4000): string[] {
  const lines: string[] = [];
  const { ratio, threshold } = DEFAULT_SPIKE_PARAMS.cusum;
  for (const shape of ['flat', 'bench day curve and weekends'] as const)
    for (const rate of [0.5, 1, 3]) {
      const random = seededRandom(977 + rate * 10).next;
      const delays: number[] = [];
      for (let i = 0; i < trials; i += 1) {
        const start = 48 + Math.floor(random() * 168);
        const phase = random() * 4 - 2;
        let statistic = 0;
        for (let t = 0; t < start + 24; t += 1) {
          const mu = shape === 'flat' ? rate : seasonal(rate, t, phase);
          const rising = t >= start;
          const x = poisson(mu * (rising ? 3 : 1), random);
          statistic = Math.max(0, statistic + logLikelihoodRatio(x, mu, ratio, 0));
          if (statistic >= threshold && rising) {
            delays.push(t - start + 1);
            break;
          }
          // Before the rise a crossing is a false alert: start again from 0 (the alert would fire).
          if (statistic >= threshold) statistic = 0;
        }
      }
      const within = (h: number) => (delays.filter((d) => d <= h).length / trials).toFixed(3);
      lines.push(
        `plain CUSUM, rate known, ${shape}, ${rate} posts/h (${trials} rises): within 3 / 6 / 12 / 24 h ${within(3)} / ${within(6)} / ${within(12)} / ${within(24)}`,
      );
    }
  return lines;
}

/**
 * The profile baseline in the bench's own series, against the rate drawn from (without events): at
 * each rise's sixth hour, its estimate summed over the rise's first 6 windows and over the 42 before
 * them, pooled over the rises, as ratios to the truth's sums; and the same 6 h before each rise (ordinary posting, as a control).
 */
export function baselineAtRises(seeds: readonly number[] = TUNING_SEEDS): string[] {
  const lines: string[] = [];
  const { lookback, levelDays, floor } = DEFAULT_SPIKE_PARAMS.cusum;
  const historyLength = 29 * 24 + lookback;
  for (const rate of [0.5, 1, 3]) {
    // [estimate, truth] summed over the windows; pooled over the rises, so a quiet night's
    // large ratio does not outweigh a busy hour's.
    const ratios = {
      rise: [] as [number, number][],
      before: [] as [number, number][],
      control: [] as [number, number][],
    };
    for (const seed of seeds)
      for (const series of lowRateSeries(rate, seed).all)
        for (const e of series.events) {
          // Rises early in the series have less history than production reads: left out here.
          if (e.kind !== 'rise' || e.start - 1 < historyLength) continue;
          for (const [at, first, rest] of [
            [e.start + 5, ratios.rise, ratios.before],
            [e.start - 1, ratios.control, undefined],
          ] as const) {
            const history = series.counts.slice(at - historyLength, at);
            const from = history.length + 1 - lookback;
            const dataStart = series.counts.findIndex((c) => c > 0);
            const estimate = profileExpectedCounts(history, from, {
              slotsPerDay: 24,
              weeks: 4,
              levelDays,
              floor,
              dataStart: Math.max(0, dataStart - (at - historyLength)),
            });
            const truth = series.base.slice(at - historyLength + from, at + 1);
            const total = (xs: number[], a: number, b: number) => xs.slice(a, b).reduce((x, y) => x + y, 0);
            first.push([total(estimate, lookback - 6, lookback), total(truth, lookback - 6, lookback)]);
            rest?.push([total(estimate, 0, lookback - 6), total(truth, 0, lookback - 6)]);
          }
        }
    const mean = (xs: [number, number][]) =>
      (xs.reduce((a, x) => a + x[0], 0) / xs.reduce((a, x) => a + x[1], 0)).toFixed(3);
    const high = (xs: [number, number][]) =>
      (xs.filter((x) => x[0] > 1.15 * x[1]).length / xs.length).toFixed(3);
    lines.push(
      `profile baseline / true rate, ${rate} posts/h (${ratios.rise.length} rises): rise's first 6 windows mean ${mean(ratios.rise)} (> 1.15 in ${high(ratios.rise)}), the 42 before ${mean(ratios.before)}; the 6 windows before a rise (control) ${mean(ratios.control)} (> 1.15 in ${high(ratios.control)})`,
    );
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const asked = process.env['BENCH_ABLATE']?.split(',').filter(Boolean) ?? [
    'plain',
    ...Object.keys(VARIANTS),
  ];
  if (asked.includes('baseline')) for (const line of baselineAtRises()) process.stdout.write(`${line}\n`);
  if (asked.includes('plain')) for (const line of plainCusumCeiling()) process.stdout.write(`${line}\n`);
  // One at a time, so each line shows as soon as it is measured.
  for (const name of asked.filter((a) => a !== 'plain' && a !== 'baseline'))
    for (const line of runAblations([name])) process.stdout.write(`${line}\n`);
}
