import { type Client, errors as esErrors } from '@elastic/elasticsearch';

// A circuit breaker in front of Elasticsearch for reads. Once several requests in a row could not
// reach it, requests are answered 503 at once for `openMs` instead of each waiting on a dead
// socket; then one request at a time is let through as a probe, and the first answer closes it.
// /readyz probes too, so a load balancer's checks bring the service back without a restart.

export type BreakerState = 'closed' | 'open' | 'half-open';

export class BreakerOpenError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('elasticsearch unreachable: circuit open');
    this.name = 'BreakerOpenError';
  }
}

export type Breaker = ReturnType<typeof createBreaker>;

export function createBreaker(options: { failures: number; openMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  let consecutive = 0;
  let openedAt = 0;
  let state: BreakerState = 'closed';
  /** When the current probe went out; a probe that never reached Elasticsearch (a 400) expires. */
  let probeAt = -Infinity;
  const probeMs = 2000;

  return {
    state: (): BreakerState => {
      if (state === 'open' && now() - openedAt >= options.openMs) state = 'half-open';
      return state;
    },
    /** Throws BreakerOpenError unless the request may go to Elasticsearch. */
    admit(): void {
      const current = this.state();
      if (current === 'closed') return;
      if (current === 'half-open' && now() - probeAt >= probeMs) {
        probeAt = now();
        return;
      }
      const left = Math.max(0, options.openMs - (now() - openedAt));
      throw new BreakerOpenError(Math.max(1, Math.ceil(left / 1000)));
    },
    /** Elasticsearch answered (any status: it is reachable). */
    success(): void {
      consecutive = 0;
      probeAt = -Infinity;
      state = 'closed';
    },
    /** Elasticsearch could not be reached. */
    failure(): void {
      consecutive += 1;
      probeAt = -Infinity;
      if (state === 'half-open' || consecutive >= options.failures) {
        state = 'open';
        openedAt = now();
      }
    },
  };
}

/** True for errors that mean Elasticsearch was not reached (refused, reset, timed out). */
export function isUnreachable(err: unknown): boolean {
  return (
    err instanceof esErrors.ConnectionError ||
    err instanceof esErrors.TimeoutError ||
    err instanceof esErrors.NoLivingConnectionsError
  );
}

/** Feeds the breaker from every request the client makes (queries, /readyz probes). */
export function watchClient(es: Client, breaker: Breaker): void {
  es.diagnostic.on('response', (err) => {
    if (err && isUnreachable(err)) breaker.failure();
    else breaker.success();
  });
}
