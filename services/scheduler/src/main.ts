// Wiring of the scheduler: config, logger, clients, indices, the webhook delivery worker, and the
// job schedulers for spike evaluation and the daily digest.
import { pathToFileURL } from 'node:url';
import { indexSettings, serverUrls } from '@cw/config';
import { createEsClient, installIndices } from '@cw/es';
import { registerShutdown } from '@cw/lifecycle';
import { createLogger } from '@cw/logging';
import { createQueue, createWorker } from '@cw/queues';
import { createRedis } from '@cw/redis';
import { type SchedulerConfig, schedulerConfig } from './config.ts';
import { previousDay } from './digest/digest-day.ts';
import { runDigest } from './digest/run-digest.ts';
import { applyRetention } from './retention/retention.ts';
import { startSchedules } from './schedules.ts';
import { evaluateSpikes, type SpikeSettings } from './spikes/evaluate.ts';
import { deliveryHandler, enqueueDeliveries } from './webhooks/deliveries.ts';

export function spikeSettings(config: SchedulerConfig): SpikeSettings {
  return {
    windowMinutes: config.CW_SPIKE_WINDOW_MINUTES,
    cooldownMinutes: config.CW_SPIKE_COOLDOWN_MINUTES,
    minCount: config.CW_SPIKE_MIN_COUNT,
    minRatio: config.CW_SPIKE_MIN_RATIO,
    minScore: config.CW_SPIKE_MIN_SCORE,
    minShareRatio: config.CW_SPIKE_MIN_SHARE_RATIO,
  };
}

export async function main(env: NodeJS.ProcessEnv = process.env, options: { embedded?: boolean } = {}) {
  const config = schedulerConfig(env);
  const log = createLogger({
    service: 'scheduler',
    level: config.CW_LOG_LEVEL,
    pretty: config.CW_LOG_PRETTY,
  });
  const { redisUrl, esUrl } = serverUrls(config);
  const es = createEsClient(esUrl);
  const prefix = config.CW_INDEX_PREFIX;
  await installIndices(es, prefix, { ...indexSettings(config), onWarning: (m) => log.warn(m) });

  const client = createRedis(redisUrl, 'client');
  const workerConnection = createRedis(redisUrl, 'worker');
  for (const c of [client, workerConnection]) c.on('error', (err) => log.error({ err }, 'redis error'));
  const ctx = { connection: client, prefix: config.CW_QUEUE_PREFIX };
  const webhooks = createQueue('webhooks', ctx);
  const targets = config.CW_WEBHOOKS;

  const deliveries = createWorker(
    'webhooks',
    deliveryHandler({
      es,
      prefix,
      targets,
      allowPrivate: config.CW_WEBHOOK_ALLOW_PRIVATE,
      timeoutMs: config.CW_WEBHOOK_TIMEOUT_MS,
    }),
    { connection: workerConnection, prefix: config.CW_QUEUE_PREFIX, log },
  );
  const notify = (messageId: string, event: Parameters<typeof enqueueDeliveries>[3]) =>
    enqueueDeliveries(webhooks, targets, messageId, event);

  const schedules = await startSchedules({
    connection: client,
    workerConnection,
    prefix: config.CW_QUEUE_PREFIX,
    log,
    spikeEveryMs: config.CW_SPIKE_EVERY_MINUTES * 60_000,
    digestCron: config.CW_DIGEST_CRON,
    digestTz: config.CW_DIGEST_TZ,
    retentionCron: config.CW_RETENTION_CRON,
    handlers: {
      spikes: async (at, jobLog) => {
        const result = await evaluateSpikes({ es, prefix, now: at, settings: spikeSettings(config), notify });
        jobLog.info(
          {
            narratives: result.verdicts.length,
            opened: result.opened.length,
            updated: result.updated.length,
            resolved: result.resolved.length,
          },
          'spikes evaluated',
        );
      },
      digest: async (at, jobLog) => {
        const date = previousDay(at, config.CW_DIGEST_TZ);
        const { files } = await runDigest({
          es,
          prefix,
          date,
          timeZone: config.CW_DIGEST_TZ,
          dir: config.CW_DIGEST_DIR,
          notify,
        });
        jobLog.info({ date, files }, 'daily digest written');
      },
      retention: async (at, jobLog) => {
        const result = await applyRetention({ es, prefix, months: config.CW_RETENTION_MONTHS, now: at });
        jobLog.info(
          {
            months: result.months ?? 'unlimited',
            cutoff: result.cutoff?.toISOString(),
            dropped: result.dropped,
            heldForBaselines: result.heldForBaselines.map((i) => i.index),
          },
          'retention applied',
        );
      },
    },
  });
  log.info(
    {
      spikeEveryMinutes: config.CW_SPIKE_EVERY_MINUTES,
      digestCron: config.CW_DIGEST_CRON,
      digestTz: config.CW_DIGEST_TZ,
      retentionMonths: config.CW_RETENTION_MONTHS ?? 'unlimited',
      webhookTargets: targets.map((t) => t.name),
    },
    'scheduler started',
  );

  return registerShutdown(
    [
      // Workers first: running evaluations and deliveries finish, waiting jobs stay in Redis.
      { name: 'schedules', run: () => schedules.close() },
      { name: 'deliveries', run: () => deliveries.close() },
      { name: 'webhooks queue', run: () => webhooks.close() },
      { name: 'elasticsearch', run: () => es.close() },
      { name: 'redis', run: async () => Promise.all([client.quit(), workerConnection.quit()]) },
    ],
    { log, embedded: options.embedded ?? false },
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    process.stderr.write(`scheduler: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
