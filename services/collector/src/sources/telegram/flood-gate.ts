import type { Logger } from '@cw/logging';
import type { Clock } from '../../clock.ts';

// One gate per account: every MTProto request of that account goes through it. It paces requests
// (a minimum interval between any two; resolves at most N a minute and M a day) and obeys
// FloodWait per method: Telegram counts limits per method, so a day-long FloodWait on
// contacts.resolveUsername pauses resolves only, while history, catch-up and refreshes go on.
// A FloodWait is waited out outside the turn queue, so a blocked method never holds up the others.

/** The methods limited apart. */
export type GateKind = 'resolve' | 'history' | 'difference' | 'views' | 'request';

export type GateOptions = {
  clock: Clock;
  log: Logger;
  intervalMs: number;
  resolvesPerMinute: number;
  /** Resolves per UTC day (Telegram's resolveUsername limit is about 200 a day per account). */
  resolvesPerDay?: number;
  /** Seconds to wait when the error is a FloodWait (from the adapter), else undefined. */
  floodWaitSeconds: (err: unknown) => number | undefined;
  /** FloodWaits of one call in a row before it gives up and throws. */
  maxFloodWaits?: number;
  signal?: AbortSignal;
};

/** A resolve refused without asking Telegram: the method is in a FloodWait, or today's budget is
 * spent. The channel stays pending and is resolved on a later pass (callers act differently). */
export class ResolvePausedError extends Error {
  constructor(
    readonly until: number,
    readonly why: 'flood-wait' | 'daily-budget',
  ) {
    super(
      why === 'flood-wait'
        ? `resolves paused by a FloodWait until ${new Date(until).toISOString()}`
        : `today's resolve budget is spent; resolves resume at ${new Date(until).toISOString()}`,
    );
  }
}

const DAY = 24 * 3600_000;

/** A turn that came up while its method was blocked by a FloodWait set meanwhile: wait, then retry. */
class StillBlocked extends Error {}

export class AccountGate {
  private nextRequestAt = 0;
  private nextResolveAt = 0;
  private readonly blockedUntil = new Map<GateKind, number>();
  private resolveDay = -1;
  private resolvesToday = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: GateOptions) {}

  /** When `kind` may be sent again after a FloodWait (epoch ms; the latest of all without a kind). */
  floodUntil(kind?: GateKind): number {
    if (kind) return this.blockedUntil.get(kind) ?? 0;
    return Math.max(0, ...this.blockedUntil.values());
  }

  /** Resolves left today. */
  get resolvesLeft(): number {
    this.rollDay();
    return Math.max(0, (this.options.resolvesPerDay ?? Number.POSITIVE_INFINITY) - this.resolvesToday);
  }

  /**
   * Runs `fn` after any FloodWait of its method, in turn with the account's other requests and
   * paced. A resolve that would wait for a FloodWait or tomorrow's budget throws ResolvePausedError.
   */
  async call<T>(fn: () => Promise<T>, kind: GateKind = 'request'): Promise<T> {
    const { clock } = this.options;
    for (let waits = 0; ; ) {
      const blocked = this.blockedUntil.get(kind) ?? 0;
      if (blocked > clock.now()) {
        if (kind === 'resolve') throw new ResolvePausedError(blocked, 'flood-wait');
        await clock.sleep(blocked - clock.now(), this.options.signal);
      }
      if (this.options.signal?.aborted) throw new Error('stopped');
      try {
        return await this.inTurn(fn, kind);
      } catch (err) {
        if (err instanceof StillBlocked) continue;
        const seconds = this.options.floodWaitSeconds(err);
        if (seconds === undefined) throw err;
        this.blockedUntil.set(kind, Math.max(blocked, clock.now() + seconds * 1000));
        waits += 1;
        this.options.log.warn(
          { seconds, kind, waits },
          'FloodWait: this method of the account pauses as Telegram asks',
        );
        if (kind === 'resolve') throw new ResolvePausedError(this.blockedUntil.get(kind) ?? 0, 'flood-wait');
        if (waits >= (this.options.maxFloodWaits ?? 3)) throw err;
      }
    }
  }

  private rollDay() {
    const day = Math.floor(this.options.clock.now() / DAY);
    if (day !== this.resolveDay) {
      this.resolveDay = day;
      this.resolvesToday = 0;
    }
  }

  private inTurn<T>(fn: () => Promise<T>, kind: GateKind): Promise<T> {
    const run = this.queue.then(async () => {
      const { clock } = this.options;
      if ((this.blockedUntil.get(kind) ?? 0) > clock.now()) throw new StillBlocked();
      if (kind === 'resolve') {
        this.rollDay();
        if (this.resolvesToday >= (this.options.resolvesPerDay ?? Number.POSITIVE_INFINITY)) {
          throw new ResolvePausedError((this.resolveDay + 1) * DAY, 'daily-budget');
        }
      }
      const at = Math.max(this.nextRequestAt, kind === 'resolve' ? this.nextResolveAt : 0);
      if (at > clock.now()) await clock.sleep(at - clock.now(), this.options.signal);
      if (this.options.signal?.aborted) throw new Error('stopped');
      this.nextRequestAt = clock.now() + this.options.intervalMs;
      if (kind === 'resolve') {
        this.nextResolveAt = clock.now() + 60_000 / this.options.resolvesPerMinute;
        this.resolvesToday += 1;
      }
      return fn();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
