import type { Logger } from '@cw/logging';
import type { Clock } from '../../clock.ts';

// One gate per account: every MTProto request of that account goes through it. It paces requests
// (a minimum interval, and resolves at most N a minute) and obeys FloodWait: after a FloodWait of
// N seconds nothing of that account is sent before N seconds have passed.

export type GateOptions = {
  clock: Clock;
  log: Logger;
  intervalMs: number;
  resolvesPerMinute: number;
  /** Seconds to wait when the error is a FloodWait (from the adapter), else undefined. */
  floodWaitSeconds: (err: unknown) => number | undefined;
  /** FloodWaits of one call in a row before it gives up and throws. */
  maxFloodWaits?: number;
  signal?: AbortSignal;
};

export class AccountGate {
  private nextRequestAt = 0;
  private nextResolveAt = 0;
  private blockedUntil = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: GateOptions) {}

  /** When the account may send again after a FloodWait (epoch ms). */
  get floodUntil(): number {
    return this.blockedUntil;
  }

  /** Runs `fn` in turn, after the pacing and any FloodWait; one request at a time per account. */
  call<T>(fn: () => Promise<T>, kind: 'request' | 'resolve' = 'request'): Promise<T> {
    const run = this.queue.then(() => this.attempt(fn, kind));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async attempt<T>(fn: () => Promise<T>, kind: 'request' | 'resolve'): Promise<T> {
    const { clock } = this.options;
    for (let waits = 0; ; ) {
      const at = Math.max(this.nextRequestAt, this.blockedUntil, kind === 'resolve' ? this.nextResolveAt : 0);
      if (at > clock.now()) await clock.sleep(at - clock.now(), this.options.signal);
      if (this.options.signal?.aborted) throw new Error('stopped');
      this.nextRequestAt = clock.now() + this.options.intervalMs;
      if (kind === 'resolve') this.nextResolveAt = clock.now() + 60_000 / this.options.resolvesPerMinute;
      try {
        return await fn();
      } catch (err) {
        const seconds = this.options.floodWaitSeconds(err);
        if (seconds === undefined) throw err;
        this.blockedUntil = Math.max(this.blockedUntil, clock.now() + seconds * 1000);
        waits += 1;
        this.options.log.warn({ seconds, kind, waits }, 'FloodWait: this account pauses as Telegram asks');
        if (waits >= (this.options.maxFloodWaits ?? 3)) throw err;
      }
    }
  }
}
