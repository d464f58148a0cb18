// How close each CUSUM baseline comes to the rate a series was drawn from, on the low-rate bench's
// kind of series without events (seasonal rate, ±15 % day noise): per window, and summed over the
// 48 windows of the lookback. Part of `pnpm bench spikes`.
import { seededRandom } from '@cw/sample-channels';
import { DEFAULT_SPIKE_PARAMS, expectedCount } from '../../services/scheduler/src/spikes/detector.ts';
import { profileExpectedCounts } from '../../services/scheduler/src/spikes/profile-baseline.ts';
import { robustMeanUnbiased } from '../../services/scheduler/src/spikes/stats.ts';
import { poisson, seasonal } from './spike-series.ts';

const DAYS = 40;
const LOOKBACK = DEFAULT_SPIKE_PARAMS.cusum.lookback;
const HISTORY = 29 * 24 + LOOKBACK;
const SEEDS = [1, 2, 3, 4, 5, 6];

type Errors = { windowSq: number; windows: number; spanRatio: number; spanSq: number; spans: number };
const empty = (): Errors => ({ windowSq: 0, windows: 0, spanRatio: 0, spanSq: 0, spans: 0 });

export function runBaselineError(rates: readonly number[] = [0.5, 1, 3, 10]): { lines: string[] } {
  const lines = [
    `CUSUM baselines against the true rate: seeds ${SEEDS.join(', ')}, ${DAYS} days, evaluated daily from day 31; per window the relative RMS error, over the ${LOOKBACK}-window lookback the sum's ratio to the truth (mean, RMS of its error)`,
  ];
  for (const rate of rates) {
    const stats = { windows: empty(), profile: empty() };
    for (const seed of SEEDS) {
      const random = seededRandom(seed * 7 + rate * 10).next;
      const dayNoise = Array.from({ length: DAYS }, () => 1 + (random() - 0.5) * 0.3);
      const phase = random() * 4 - 2;
      const lambda = Array.from(
        { length: DAYS * 24 },
        (_, t) => seasonal(rate, t, phase) * (dayNoise[Math.floor(t / 24)] ?? 1),
      );
      const counts = lambda.map((l) => poisson(l, random));
      for (let now = HISTORY; now < counts.length; now += 24) {
        const history = counts.slice(now - HISTORY, now);
        const from = history.length + 1 - LOOKBACK;
        const profile = profileExpectedCounts(history, from, {
          slotsPerDay: 24,
          weeks: 4,
          levelDays: DEFAULT_SPIKE_PARAMS.cusum.levelDays,
          floor: DEFAULT_SPIKE_PARAMS.cusum.floor,
        });
        const sums = { windows: 0, profile: 0, truth: 0 };
        for (let i = 0; i < LOOKBACK; i += 1) {
          const truth = lambda[now - HISTORY + from + i] ?? 1;
          const estimates = {
            windows: expectedCount(history, DEFAULT_SPIKE_PARAMS, {
              end: from + i,
              mean: robustMeanUnbiased,
              floor: DEFAULT_SPIKE_PARAMS.cusum.floor,
              spread: DEFAULT_SPIKE_PARAMS.cusum.spread,
            }),
            profile: profile[i] ?? 0,
          };
          for (const name of ['windows', 'profile'] as const) {
            stats[name].windowSq += (estimates[name] / truth - 1) ** 2;
            stats[name].windows += 1;
            sums[name] += estimates[name];
          }
          sums.truth += truth;
        }
        for (const name of ['windows', 'profile'] as const) {
          const ratio = sums[name] / sums.truth;
          stats[name].spanRatio += ratio;
          stats[name].spanSq += (ratio - 1) ** 2;
          stats[name].spans += 1;
        }
      }
    }
    const show = (e: Errors) =>
      `window RMS ${Math.sqrt(e.windowSq / e.windows).toFixed(3)}, 48-window sum ${(e.spanRatio / e.spans).toFixed(3)} (RMS ${Math.sqrt(e.spanSq / e.spans).toFixed(3)})`;
    lines.push(
      `  ${String(rate).padStart(4)} posts/h: same-time samples ${show(stats.windows)} | profile ${show(stats.profile)}`,
    );
  }
  return { lines };
}
