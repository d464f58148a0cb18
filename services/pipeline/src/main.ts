// Wiring of the pipeline worker: config, logger, clients, indices, narratives, worker, ops port.
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { esAuth, indexSettings, serverUrls } from '@cw/config';
import {
  createNarrativeRegistry,
  DEFAULT_NARRATIVES_DIR,
  openClassifier,
  taggerVersion,
} from '@cw/enrichment';
import { createEsClient, installIndices } from '@cw/es';
import { registerShutdown } from '@cw/lifecycle';
import { createLogger } from '@cw/logging';
import { createQueue } from '@cw/queues';
import { createRedis } from '@cw/redis';
import { pipelineConfig } from './config.ts';
import { startOpsServer } from './http-server.ts';
import { createPipelineMetrics } from './metrics.ts';
import { startPostsWorker } from './worker.ts';

export async function main(env: NodeJS.ProcessEnv = process.env, options: { embedded?: boolean } = {}) {
  const config = pipelineConfig(env);
  // Each batch's data outlives a couple of scavenges and is promoted, so the old space fills fast and
  // V8's default growth marks the whole heap every ~250 ms. Letting the old space double between full
  // collections: 51 µs per post against 63-83 without (`pnpm bench pipeline`, alternating 100k runs),
  // for ~10 MB more resident memory. Not allowed in NODE_OPTIONS, and read by V8 at each full
  // collection, so it is set here; an embedded worker leaves its host process alone.
  if (!options.embedded) setFlagsFromString('--heap-growing-percent=100');
  const log = createLogger({ service: 'pipeline', level: config.CW_LOG_LEVEL, pretty: config.CW_LOG_PRETTY });
  const { redisUrl, esUrl } = serverUrls(config);
  const es = createEsClient(esUrl, esAuth(config));
  await installIndices(es, config.CW_INDEX_PREFIX, {
    ...indexSettings(config),
    onWarning: (m) => log.warn(m),
  });

  const narratives = createNarrativeRegistry(config.CW_NARRATIVES_DIR ?? DEFAULT_NARRATIVES_DIR, {
    onReload: (defs: unknown[]) => log.info({ count: defs.length }, 'narrative definitions reloaded'),
    onError: (err: unknown) =>
      log.error({ err }, 'narrative definitions not reloaded; keeping the previous set'),
  });
  const unwatch = narratives.watch();
  // Without the encoder (not fetched, or failing to load) posts are tagged by the rules alone; that is
  // said here, in /healthz, and on every post (`tagger`).
  const { classifier, status: classifierStatus } = await openClassifier({
    definitions: narratives.definitions(),
    narrativesDir: config.CW_NARRATIVES_DIR ?? DEFAULT_NARRATIVES_DIR,
    cacheDir: config.CW_CACHE_DIR,
    threads: config.CW_ENCODER_THREADS,
  });
  if (classifier) log.info({ tagger: classifier.version }, 'narrative classifier on');
  else
    log.warn({ reason: classifierStatus.reason }, 'narrative classifier off: tagging with the rules alone');
  if (!options.embedded) process.on('SIGHUP', () => narratives.reload());
  const languages = config.CW_LANGUAGES?.split(',');

  const connection = createRedis(redisUrl, 'worker');
  const queueConnection = createRedis(redisUrl, 'client');
  for (const c of [connection, queueConnection])
    c.on('error', (err) => log.warn({ err }, 'redis connection error'));
  const queue = createQueue('posts', { connection: queueConnection, prefix: config.CW_QUEUE_PREFIX });
  const metrics = createPipelineMetrics(queue, classifier, { defaults: true });
  const worker = startPostsWorker({
    connection,
    prefix: config.CW_QUEUE_PREFIX,
    es,
    indexPrefix: config.CW_INDEX_PREFIX,
    log,
    concurrency: config.CW_PIPELINE_CONCURRENCY,
    enrichContext: () => ({
      narratives: narratives.current(),
      ...(languages ? { languages } : {}),
      ...(classifier ? { classifier } : {}),
    }),
    metrics,
    lockDurationMs: config.CW_PIPELINE_LOCK_MS,
    stalledIntervalMs: Math.max(1000, Math.floor(config.CW_PIPELINE_LOCK_MS / 2)),
  });
  const ops = await startOpsServer(
    config.CW_PIPELINE_PORT,
    config.CW_PIPELINE_HOST,
    metrics.registry,
    async () => worker.isRunning(),
    () => ({
      narratives: { ...classifierStatus, tagger: taggerVersion(narratives.definitions(), classifier) },
    }),
  );
  log.info(
    {
      host: config.CW_PIPELINE_HOST,
      port: config.CW_PIPELINE_PORT,
      concurrency: config.CW_PIPELINE_CONCURRENCY,
    },
    'pipeline worker started',
  );

  return registerShutdown(
    [
      // close() waits for active jobs to finish; jobs not started stay in the queue.
      { name: 'worker', run: () => worker.close() },
      { name: 'ops server', run: () => new Promise((resolve) => ops.close(resolve)) },
      { name: 'narratives watch', run: async () => unwatch() },
      { name: 'classifier', run: async () => classifier?.close() },
      { name: 'queue', run: () => queue.close() },
      { name: 'elasticsearch', run: () => es.close() },
      { name: 'redis', run: async () => Promise.all([connection.quit(), queueConnection.quit()]) },
    ],
    { log, embedded: options.embedded ?? false },
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    process.stderr.write(`pipeline: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
