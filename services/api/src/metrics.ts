import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/** One registry per app, so tests with several apps in one process do not collide. */
export function createApiMetrics(options: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requestSeconds: new Histogram({
      name: 'cw_api_request_seconds',
      help: 'API request latency by route and status code',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'cw_api_auth_failures_total',
      help: 'Requests refused for a missing or wrong API key',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}
