// Count series for the spike and trend benchmarks: Poisson counts around a seasonal rate (busy
// days, quiet nights in Almaty time, quieter weekends). One generator, so every bench draws its
// series the same way.

/** Poisson counts; above a mean of 40 the normal approximation (all posting reaches hundreds an
 * hour, where the inversion of sample-channels' `Random.poisson` underflows). */
export function poisson(lambda: number, random: () => number): number {
  if (lambda > 40) {
    const u = Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * u));
  }
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k += 1;
    p *= random();
  }
  return k;
}

/** Expected posts in hour `hour` (UTC, from a Monday) for a narrative at `level` posts an hour. */
export function seasonal(level: number, hour: number, phase: number): number {
  const hourOfDay = (hour + 5) % 24;
  const dayOfWeek = Math.floor((hour + 5) / 24) % 7;
  const daily = 1 + 0.6 * Math.sin(((hourOfDay - 9 + phase) / 24) * 2 * Math.PI);
  const weekly = dayOfWeek >= 5 ? 0.65 : 1.05;
  return level * daily * weekly;
}
