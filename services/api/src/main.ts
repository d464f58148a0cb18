// Wiring of the API: config, logger, Elasticsearch client, narrative definitions, HTTP server,
// shutdown. Everything else receives what it needs as arguments (see buildApp).
import { pathToFileURL } from 'node:url';
import { esAuth, indexSettings, serverUrls } from '@cw/config';
import {
  createNarrativeRegistry,
  DEFAULT_NARRATIVES_DIR,
  normaliseForMatching,
  stemText,
} from '@cw/enrichment';
import { createEsClient, installIndices } from '@cw/es';
import { registerShutdown } from '@cw/lifecycle';
import { createLogger } from '@cw/logging';
import { createRedis } from '@cw/redis';
import { buildApp } from './app.ts';
import { parseApiKeys } from './auth.ts';
import { apiConfig } from './config.ts';
import { lockedTestFigures } from './locked-test.ts';
import { createApiMetrics } from './metrics.ts';
import { DEFAULT_CACHE_DIR, prepareWorkbench } from './workbench/build.ts';

/**
 * Starts the API and returns its shutdown function. `embedded` (the demo, tests): no signal
 * handlers, and shutting down closes the server and clients without exiting the process.
 */
export async function main(env: NodeJS.ProcessEnv = process.env, options: { embedded?: boolean } = {}) {
  const config = apiConfig(env);
  const keys = parseApiKeys(config.CW_API_KEYS);
  if (keys.length === 0 && config.CW_API_AUTH !== 'off') {
    throw new Error(
      'no API keys configured: set CW_API_KEYS (hashes; see services/api/README.md) or CW_API_AUTH=off for local use',
    );
  }
  const log = createLogger({ service: 'api', level: config.CW_LOG_LEVEL, pretty: config.CW_LOG_PRETTY });
  if (config.CW_API_AUTH === 'off') log.warn('API authentication is OFF (CW_API_AUTH=off): local use only');
  // Before any client or watcher exists, so a failed build leaves nothing open behind it.
  const cacheDir = config.CW_CACHE_DIR ?? DEFAULT_CACHE_DIR;
  const workbench = await prepareWorkbench(cacheDir).catch((err: unknown) => {
    throw new Error(
      `cannot build the workbench page into ${cacheDir}/workbench (CW_CACHE_DIR must be writable): ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  log.info({ dir: workbench.dir, built: workbench.built }, 'workbench ready');
  const { esUrl, redisUrl } = serverUrls(config);
  // No retries: with Elasticsearch down a read is answered 503 at once, not after three backoffs.
  const es = createEsClient(esUrl, { ...esAuth(config), requestTimeoutMs: 15_000, maxRetries: 0 });
  // Rate limit counters shared by every replica; commands fail at once while Redis is away (and
  // the limit is skipped then) instead of queueing behind the requests.
  const redis = createRedis(redisUrl, 'client', { maxRetriesPerRequest: 1, connectTimeout: 1000 });
  redis.on('error', (err) => log.warn({ err }, 'redis (rate limits) unavailable'));
  // Idempotent; the read alias exists only once an index joined it, so a fresh cluster answers too.
  await installIndices(es, config.CW_INDEX_PREFIX, {
    ...indexSettings(config),
    onWarning: (m) => log.warn(m),
  });
  const narratives = createNarrativeRegistry(config.CW_NARRATIVES_DIR ?? DEFAULT_NARRATIVES_DIR, {
    onReload: (defs) => log.info({ count: defs.length }, 'narrative definitions reloaded'),
    onError: (err) => log.error({ err }, 'narrative definitions not reloaded; keeping the previous set'),
  });
  const narrativesDir = config.CW_NARRATIVES_DIR ?? DEFAULT_NARRATIVES_DIR;
  const measured = lockedTestFigures(narrativesDir, log);
  const unwatch = narratives.watch();
  const onHup = () => narratives.reload();
  if (!options.embedded) process.on('SIGHUP', onHup);

  const app = await buildApp({
    es,
    prefix: config.CW_INDEX_PREFIX,
    log,
    auth: config.CW_API_AUTH === 'off' ? 'off' : keys,
    rateLimitPerMinute: config.CW_API_RATE_LIMIT,
    signInFailuresPerMinute: config.CW_API_SIGNIN_FAILURES,
    redis,
    redisPrefix: config.CW_QUEUE_PREFIX,
    limits: { maxRangeDays: config.CW_API_MAX_RANGE_DAYS, maxBuckets: config.CW_API_MAX_BUCKETS },
    trendsCacheSeconds: config.CW_API_TRENDS_CACHE_SECONDS,
    definitions: () =>
      narratives.definitions().map((d) => {
        const evaluation = measured(d.id);
        return evaluation ? { ...d, evaluation } : d;
      }),
    stem: stemText,
    normalise: normaliseForMatching,
    metrics: createApiMetrics({ defaults: true }),
    workbench,
  });
  const address = await app.listen({ port: config.CW_API_PORT, host: config.CW_API_HOST });
  log.info({ address, keys: keys.map((k) => k.name), prefix: config.CW_INDEX_PREFIX }, 'api listening');

  const steps = [
    // close() stops accepting connections and waits for in-flight requests.
    { name: 'http server', run: () => app.close() },
    {
      name: 'narratives watch',
      run: async () => {
        unwatch();
        process.off('SIGHUP', onHup);
      },
    },
    { name: 'elasticsearch', run: () => es.close() },
    { name: 'redis', run: async () => redis.disconnect() },
  ];
  if (options.embedded) {
    return async () => {
      for (const step of steps) await step.run();
    };
  }
  return registerShutdown(steps, { log });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    process.stderr.write(`api: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
