import type { Logger } from '@cw/logging';
import type { Clock } from '../clock.ts';

export class StoppedError extends Error {
  constructor() {
    super('stopped while waiting for Redis');
    this.name = 'StoppedError';
  }
}

/**
 * Runs `fn` until it succeeds: while Redis is unavailable the collector pauses, retrying with
 * exponential backoff (capped), and goes on where it was. Stops waiting when `signal` aborts.
 */
export async function retryUntilDone<T>(
  fn: () => Promise<T>,
  opts: { clock: Clock; log: Logger; what: string; signal?: AbortSignal; baseMs?: number; maxMs?: number },
): Promise<T> {
  const base = opts.baseMs ?? 500;
  const max = opts.maxMs ?? 30_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (opts.signal?.aborted) throw new StoppedError();
      const delay = Math.min(max, base * 2 ** attempt);
      opts.log.warn(
        { err, attempt: attempt + 1, retryInMs: delay },
        `${opts.what} failed; pausing and retrying`,
      );
      await opts.clock.sleep(delay, opts.signal);
      if (opts.signal?.aborted) throw new StoppedError();
    }
  }
}

/** Rejects when `promise` has not settled within `ms` (a Queue.add that hangs while Redis is away). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
