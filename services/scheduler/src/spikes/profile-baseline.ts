// The CUSUM's expected count at low rates: a level times a time-of-week profile, each from far more
// posts than one time of day's samples hold. At one post an hour the same hour on 11 past days
// (pooled over ±1 window) is ~30 posts, a ~20 % error that the CUSUM adds up window after window;
// 14 days hold ~300 posts, and the profile is fitted to all ~650 of the 4 weeks before.
//
// - Profile: a day's curve (the 24, 12 and 8 h harmonics, each shrunk toward flat by its own
//   evidence: empirical Bayes, so a harmonic no stronger than counting noise is mostly dropped)
//   times a factor per weekday (shrunk toward 1 the same way). Real channels are near silent at
//   night and quieter at weekends; three harmonics follow a curve of that kind, not only a sine.
//   Fitted to whole days before the CUSUM's lookback, so the rise being judged does not shape it.
// - Level: the posts of the `levelDays` days before each window over what the profile expects of
//   them, trimmed by those days' ratios (a past day-long rise lifts the two days it straddles).
// - Floods and bursts (a window far above the profile) and past rises (a day far above it) are
//   brought down to the fit before the profile is fitted again.
import { sum } from './stats.ts';

export type ProfileOptions = {
  /** Windows per day. */
  slotsPerDay: number;
  /** Weeks of history the profile is fitted to (at most; fewer when the history is shorter). */
  weeks: number;
  /** Days before each window whose posts give its level. */
  levelDays: number;
  /** Never expect less than this per window. */
  floor: number;
  /**
   * First window with data (collection started there): the zeros before it are no evidence of a
   * quiet narrative, and counted they would drag a young narrative's level and weekdays down.
   */
  dataStart?: number;
  /** Trim the level's days by their ratios (default); false only for the bench's ablation. */
  trimLevel?: boolean;
  /** Leave days far above the level out of it: only the bench's ablation sets it. */
  dropRiseDays?: boolean;
};

/** Harmonics of the day the profile may use (cycles per day): 24, 12 and 8 hours. */
const DAY_HARMONICS = [1, 2, 3];
/** The profile never drops below this share of the mean (a fitted night can dip under zero). */
const PROFILE_FLOOR = 0.05;

type Harmonic = { cycles: number; a: number; b: number };

/**
 * The rate's shape: a day's curve (a few harmonics) times a factor per weekday. Days are split at
 * the curve's quietest window (the night, wherever the narrative's night falls), so a weekday's
 * factor covers that weekday's waking hours.
 */
type Profile = { day: number; harmonics: Harmonic[]; offset: number; weekdays: number[] };

/** cos and sin of 2π·j/period for j < period: the fits ask for the same angles again and again. */
const tables = new Map<number, { cos: Float64Array; sin: Float64Array }>();
function table(period: number) {
  let t = tables.get(period);
  if (!t) {
    t = { cos: new Float64Array(period), sin: new Float64Array(period) };
    for (let j = 0; j < period; j += 1) {
      t.cos[j] = Math.cos((2 * Math.PI * j) / period);
      t.sin[j] = Math.sin((2 * Math.PI * j) / period);
    }
    tables.set(period, t);
  }
  return t;
}

const mod = (i: number, m: number) => ((i % m) + m) % m;

function dayCurve(harmonics: readonly Harmonic[], day: number, i: number): number {
  const t = table(day);
  let f = 1;
  for (const h of harmonics) {
    const j = mod(h.cycles * i, day);
    f += h.a * (t.cos[j] ?? 1) + h.b * (t.sin[j] ?? 0);
  }
  return Math.max(PROFILE_FLOOR, f);
}

/** f(i): the relative rate of window i, mean about 1 over a week. */
function profileAt(p: Profile, i: number): number {
  const weekday = mod(Math.floor((i - p.offset) / p.day), 7);
  return dayCurve(p.harmonics, p.day, i) * (p.weekdays[weekday] ?? 1);
}

const FLAT = (day: number): Profile => ({ day, harmonics: [], offset: 0, weekdays: [] });

/**
 * Fitted to the counts over [start, end) (whole days). The day's harmonics are the counts' Fourier
 * coefficients relative to their mean, each pair shrunk by max(0, 1 − 2σ²/(a² + b²)), σ² = 2/T
 * the variance of a coefficient when T posts fall at random (the posterior mean when the true pair
 * is normal around 0). The weekday factors are shrunk toward 1 the same way: by the share of
 * their spread that counting noise does not explain.
 */
function fitProfile(counts: readonly number[], start: number, end: number, day: number): Profile {
  let total = 0;
  for (let i = start; i < end; i += 1) total += counts[i] ?? 0;
  if (total <= 0 || end - start < day) return FLAT(day);
  const variance = 2 / total;
  const t = table(day);
  const harmonics = DAY_HARMONICS.map((c) => {
    let a = 0;
    let b = 0;
    for (let i = start; i < end; i += 1) {
      const x = counts[i] ?? 0;
      if (x === 0) continue;
      const j = mod(c * i, day);
      a += x * (t.cos[j] ?? 1);
      b += x * (t.sin[j] ?? 0);
    }
    a *= 2 / total;
    b *= 2 / total;
    const power = a * a + b * b;
    const shrink = power > 0 ? Math.max(0, 1 - (2 * variance) / power) : 0;
    return { cycles: c, a: a * shrink, b: b * shrink };
  });
  let offset = 0;
  for (let j = 1; j < day; j += 1)
    if (dayCurve(harmonics, day, j) < dayCurve(harmonics, day, offset)) offset = j;

  // Weekdays: posts per whole day (split at the night) of each weekday, against the mean.
  const sums = new Array<number>(7).fill(0);
  const days = new Array<number>(7).fill(0);
  const first = start + mod(offset - start, day);
  for (let d = first; d + day <= end; d += day) {
    const w = mod(Math.floor((d - offset) / day), 7);
    sums[w] = (sums[w] ?? 0) + sum(counts, d, d + day);
    days[w] = (days[w] ?? 0) + 1;
  }
  const perDay = sums.map((s, w) => ((days[w] ?? 0) > 0 ? s / (days[w] ?? 1) : undefined));
  const known = perDay.filter((x): x is number => x !== undefined);
  const mean = known.reduce((a, b) => a + b, 0) / Math.max(1, known.length);
  if (known.length < 7 || mean <= 0) return { day, harmonics, offset, weekdays: [] };
  const raw = perDay.map((x) => (x ?? mean) / mean);
  // A weekday factor from m days of about `mean` posts each has variance ~1/(m·mean).
  const noise = raw.reduce((a, _, w) => a + 1 / (Math.max(1, days[w] ?? 1) * mean), 0) / 7;
  const spread = raw.reduce((a, r) => a + (r - 1) ** 2, 0) / 6;
  const shrink = spread > 0 ? Math.max(0, 1 - noise / spread) : 0;
  const weekdays = raw.map((r) => 1 + shrink * (r - 1));
  const norm = weekdays.reduce((a, b) => a + b, 0) / 7;
  return { day, harmonics, offset, weekdays: weekdays.map((w) => w / norm) };
}

/** A day (24 h) further above its expected count than this many standard deviations is a past rise. */
const DAY_SDS = 2;

/** Upper bound for a count whose expectation is `mu`: far enough out that noise rarely reaches it. */
const cap = (mu: number, sds: number) => mu + sds * Math.sqrt(mu) + 1;

/**
 * Expected counts of windows `from` … `history.length` (the last is the window right after the
 * history), each from history before it only (pure: a replay computes the same).
 */
export function profileExpectedCounts(
  history: readonly number[],
  from: number,
  options: ProfileOptions,
): number[] {
  const n = history.length;
  const day = options.slotsPerDay;
  const out: number[] = [];
  if (n === 0) {
    for (let t = from; t <= n; t += 1) out.push(options.floor);
    return out;
  }

  // The profile's fitting span: whole days (up to `weeks` weeks) ending where the lookback
  // starts, so the rise being judged does not shape its own baseline.
  const start = Math.max(0, Math.min(options.dataStart ?? 0, n));
  const refEnd = Math.max(start, Math.min(from, n));
  const refStart = refEnd - Math.min(7 * options.weeks, Math.floor((refEnd - start) / day)) * day;

  // Fit, cap windows far above the fit (floods, bursts), refit, cap days far above it (a past
  // lasting rise), refit.
  const counts = history.slice();
  let profile = fitProfile(counts, refStart, refEnd, day);
  const refLength = refEnd - refStart;
  const refLevel = () => (refLength > 0 ? sum(counts, refStart, refEnd) / refLength : 0);
  if (refLength > 0) {
    let level = refLevel();
    for (let i = refStart; i < refEnd; i += 1)
      counts[i] = Math.min(counts[i] ?? 0, cap(level * profileAt(profile, i), 4));
    profile = fitProfile(counts, refStart, refEnd, day);
    level = refLevel();
    for (let d = refStart; d + day <= refEnd; d += day) {
      let expected = 0;
      for (let i = d; i < d + day; i += 1) expected += level * profileAt(profile, i);
      const observed = sum(counts, d, d + day);
      if (observed > cap(expected, DAY_SDS))
        for (let i = d; i < d + day; i += 1) counts[i] = ((counts[i] ?? 0) * expected) / observed;
    }
    profile = fitProfile(counts, refStart, refEnd, day);
  }

  // Windows the levels read, capped as above against the reference level (a flood in the last
  // days must not lift the level), as prefix sums of counts and of the profile.
  const lo = Math.max(start, from - options.levelDays * day);
  const level = refLength > 0 ? refLevel() : n > start ? sum(history, start, n) / (n - start) : 0;
  const prefixCount = [0];
  const prefixShape = [0];
  for (let i = lo; i < n; i += 1) {
    const f = profileAt(profile, i);
    const x = i < refStart || i >= refEnd ? Math.min(history[i] ?? 0, cap(level * f, 4)) : (counts[i] ?? 0);
    prefixCount.push((prefixCount.at(-1) ?? 0) + x);
    prefixShape.push((prefixShape.at(-1) ?? 0) + f);
  }
  const between = (prefix: readonly number[], a: number, b: number) =>
    (prefix[b - lo] ?? 0) - (prefix[a - lo] ?? 0);

  for (let t = from; t <= n; t += 1) {
    const f = profileAt(profile, t);
    const whole = Math.min(options.levelDays, Math.floor((t - lo) / day));
    if (whole < 1) {
      // Less than a day before it: the mean of what there is, shaped.
      const span = t - lo;
      const mean = span > 0 ? between(prefixCount, lo, t) / between(prefixShape, lo, t) : level;
      out.push(Math.max(options.floor, mean * f));
      continue;
    }
    const observed: number[] = [];
    const expected: number[] = [];
    for (let d = 1; d <= whole; d += 1) {
      observed.push(between(prefixCount, t - d * day, t - (d - 1) * day));
      expected.push(between(prefixShape, t - d * day, t - (d - 1) * day));
    }
    // Trimmed symmetrically by the days' ratios to the profile: a past day-long rise straddles two
    // of these days and lifts both, and at a few posts a day a cap still lets much of it through;
    // dropping as many of the lowest keeps the mean unbiased on ordinary days.
    const trimmed = (days: { o: number; e: number }[]) => {
      const trim =
        days.length >= 5 && options.trimLevel !== false ? Math.max(1, Math.round(days.length / 7)) : 0;
      const kept = days
        .slice()
        .sort((x, y) => x.o * y.e - y.o * x.e)
        .slice(trim, days.length - trim)
        .reduce((a, x) => ({ o: a.o + x.o, e: a.e + x.e }), { o: 0, e: 0 });
      return kept.e > 0 ? kept.o / kept.e : 0;
    };
    const days = observed.map((o, d) => ({ o, e: expected[d] ?? 0 }));
    let rate = trimmed(days);
    // Bench-only (not the default): then without the days far above that level. It took the
    // level's bias at the bench's rises from 10-18 % to 8-16 % and bought about 0.01-0.02 of
    // recall within 6 h for as many more false alerts (services/scheduler/README.md).
    if (options.dropRiseDays === true && options.trimLevel !== false) {
      const ordinary = days.filter((x) => x.o <= cap(rate * x.e, DAY_SDS));
      if (ordinary.length >= 5) rate = trimmed(ordinary);
    }
    out.push(Math.max(options.floor, rate * f));
  }
  return out;
}
