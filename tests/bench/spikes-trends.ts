// Slow rises for the daily `narrative.trend` check: narratives at 0.5, 1 and 3 posts an hour whose
// rate doubles over a week (a linear climb to 2× over 7 days, held for 3 weeks), against flat
// narratives with one-day bursts and with a general rise of all posting (more channels watched).
// The trend decision (`newTrend`) runs day by day as the scheduler runs it, on local-day counts.
// Part of `pnpm bench spikes`.
import { seededRandom } from '@cw/sample-channels';
import {
  DEFAULT_TREND_PARAMS,
  newTrend,
  type TrendParams,
} from '../../services/scheduler/src/trends/trend-detector.ts';
import { poisson, seasonal } from './spike-series.ts';

const DAYS = 165;
const WARM_UP = 35; // the baseline weeks and the repeat check need 34 days before the first evaluation
const NARRATIVES = 12;
const SEEDS = [21, 22, 23];
const RATES = [0.5, 1, 3];
const RAMP_DAYS = 7;
const HOLD_DAYS = 21;
/** Days after a rise starts in which a trend counts as found (the climb and two weeks on top). */
const FIND_WITHIN = RAMP_DAYS + 14;
/** All other posting (and the flat narratives with it) doubles for three weeks: channels added. */
const GENERAL_START = 75;
const GENERAL_END = 96;

type Rise = { start: number };

/** The rate multiplier on day `d` for the rises of a series: climbs to 2 over a week, holds, ends. */
function riseFactor(rises: readonly Rise[], d: number): number {
  for (const r of rises) {
    const t = d - r.start;
    if (t >= 0 && t < RAMP_DAYS) return 1 + (t + 1) / RAMP_DAYS;
    if (t >= RAMP_DAYS && t < RAMP_DAYS + HOLD_DAYS) return 2;
  }
  return 1;
}

/** Hourly Poisson counts summed per local day (UTC+5): what the daily histogram returns. */
function dailySeries(rate: (hour: number) => number, random: () => number): number[] {
  const days = new Array<number>(DAYS).fill(0);
  for (let h = 0; h < DAYS * 24; h += 1) {
    const d = Math.floor((h + 5) / 24);
    if (d < DAYS) days[d] = (days[d] ?? 0) + poisson(rate(h), random);
  }
  return days;
}

const pct = (x: number) => x.toFixed(3);

export function runTrends(params: TrendParams = DEFAULT_TREND_PARAMS): { lines: string[] } {
  const lines = [
    `trend bench: ${SEEDS.length} seeds × ${NARRATIVES} narratives × ${DAYS} days per rate, evaluated daily after ${WARM_UP} days; rises: 1→2× over ${RAMP_DAYS} days, held ${HOLD_DAYS} days; flat narratives with one-day ×3 bursts every ~10 days; all posting ×2 for 3 weeks from day ${GENERAL_START} (minRatio ${params.minRatio}, minPosts ${params.minPosts}, minScore ${params.minScore})`,
  ];
  for (const rate of RATES) {
    let riseCount = 0;
    let found = 0;
    const delays: number[] = [];
    let trendsInRises = 0;
    let falseTrends = 0;
    let falseDuringGeneral = 0;
    /** Narrative-months evaluated outside any rise: where every trend is a false one. */
    let months = 0;
    for (const seed of SEEDS) {
      const random = seededRandom(seed * 1000 + rate * 10).next;
      const dayNoise = Array.from({ length: DAYS + 1 }, () => 1 + (random() - 0.5) * 0.3);
      const general = (d: number) => (d >= GENERAL_START && d < GENERAL_END ? 2 : 1);
      const dayOf = (h: number) => Math.floor((h + 5) / 24);
      const others = dailySeries(
        (h) => seasonal(60, h, 0) * (dayNoise[dayOf(h)] ?? 1) * general(dayOf(h)),
        random,
      );
      const series: { daily: number[]; rises: Rise[] }[] = [];
      for (let n = 0; n < NARRATIVES; n += 1) {
        const phase = random() * 4 - 2;
        const rising = n % 2 === 0;
        const rises: Rise[] = [];
        // Two rises, before the general rise of all posting and after it has left the baseline weeks.
        if (rising)
          rises.push(
            { start: WARM_UP + Math.floor(random() * 14) },
            { start: GENERAL_END + 28 + Math.floor(random() * 7) },
          );
        // Flat narratives get a one-day ×3 burst every ~10 days (a spike's, not a trend's).
        const bursts = new Set<number>();
        if (!rising)
          for (let d = WARM_UP + Math.floor(random() * 10); d < DAYS; d += 8 + Math.floor(random() * 5))
            bursts.add(d);
        const daily = dailySeries((h) => {
          const d = dayOf(h);
          // A narrative in the general rise rises with all posting (it is posted by the new channels too).
          return (
            seasonal(rate, h, phase) *
            (dayNoise[d] ?? 1) *
            riseFactor(rises, d) *
            (bursts.has(d) ? 3 : 1) *
            general(d)
          );
        }, random);
        series.push({ daily, rises });
      }
      const totals = others.map((c, d) => c + series.reduce((a, s) => a + (s.daily[d] ?? 0), 0));
      for (const { daily, rises } of series) {
        const fired: number[] = [];
        for (let d = WARM_UP; d < DAYS; d += 1) {
          const verdict = newTrend(
            { daily: daily.slice(0, d + 1), totalDaily: totals.slice(0, d + 1) },
            params,
          );
          if (verdict.fired) fired.push(d);
        }
        riseCount += rises.length;
        for (const r of rises) {
          const hits = fired.filter((d) => d >= r.start && d < r.start + FIND_WITHIN);
          if (hits.length === 0) continue;
          found += 1;
          delays.push((hits[0] ?? 0) - r.start + 1);
        }
        const inRise = (d: number) => rises.some((r) => d >= r.start && d < r.start + RAMP_DAYS + HOLD_DAYS);
        months += (DAYS - WARM_UP - rises.length * (RAMP_DAYS + HOLD_DAYS)) / 30;
        for (const d of fired) {
          if (inRise(d)) trendsInRises += 1;
          // The general rise and the week after it, while it is still in the latest week.
          else if (d >= GENERAL_START && d < GENERAL_END + 7) falseDuringGeneral += 1;
          else falseTrends += 1;
        }
      }
    }
    const sorted = [...delays].sort((a, b) => a - b);
    lines.push(
      `  ${String(rate).padStart(3)} posts/h: trend recall ${pct(found / riseCount)} (${found}/${riseCount} rises found within ${FIND_WITHIN} days of their start; median delay ${sorted[Math.floor(sorted.length / 2)] ?? '–'} days, trends during rises ${trendsInRises})`,
      `            false trends per narrative-month ${pct((falseTrends + falseDuringGeneral) / months)} (${falseTrends} outside rises, bursts included, + ${falseDuringGeneral} during the general ×2 rise of all posting; ${months.toFixed(0)} narrative-months outside rises)`,
    );
  }
  return { lines };
}
