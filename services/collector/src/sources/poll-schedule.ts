// Per-channel polling intervals that follow each channel's activity: a channel that posted since
// the last pass is asked again sooner, a quiet one less and less often, within [min, max].

export type PollBounds = { minS: number; maxS: number };

export function nextIntervalS(previousS: number, newPosts: number, bounds: PollBounds): number {
  const next = newPosts >= 10 ? bounds.minS : newPosts > 0 ? previousS / 2 : previousS * 1.5;
  return Math.round(Math.min(bounds.maxS, Math.max(bounds.minS, next)));
}

/** Channels due next first; a small class so the loop in main stays readable. */
export class PollSchedule<K extends string = string> {
  private readonly due = new Map<K, { at: number; intervalS: number }>();
  constructor(private readonly bounds: PollBounds) {}

  /** Adds a channel (due now) if it is not scheduled yet. */
  ensure(key: K, now: number): void {
    if (!this.due.has(key)) this.due.set(key, { at: now, intervalS: this.bounds.minS });
  }

  /** Drops channels not in `keys` (removed from the registry). */
  retain(keys: ReadonlySet<K>): void {
    for (const key of this.due.keys()) if (!keys.has(key)) this.due.delete(key);
  }

  next(): { key: K; at: number } | undefined {
    let best: { key: K; at: number } | undefined;
    for (const [key, { at }] of this.due) if (!best || at < best.at) best = { key, at };
    return best;
  }

  /** After a pass: schedules the next one. `fixedS` pins the interval (joined channels reconcile). */
  done(key: K, newPosts: number, now: number, fixedS?: number): number {
    const current = this.due.get(key)?.intervalS ?? this.bounds.minS;
    const intervalS = fixedS ?? nextIntervalS(current, newPosts, this.bounds);
    this.due.set(key, { at: now + intervalS * 1000, intervalS });
    return intervalS;
  }
}
