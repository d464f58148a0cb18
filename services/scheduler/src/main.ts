// Wiring of the scheduler: config, logger, clients, indices, the webhook delivery worker, and the
// job schedulers for spike evaluation, the daily digest (and the daily trend check) and retention.
import { pathToFileURL } from 'node:url';
import { esAuth, indexSettings, serverUrls } from '@cw/config';
import { DEFAULT_NARRATIVES_DIR, loadNarrativeDefinitions } from '@cw/enrichment';
import { createEsClient, installIndices } from '@cw/es';
import { registerShutdown } from '@cw/lifecycle';
import { createLogger } from '@cw/logging';
import { createWorker } from '@cw/queues';
import { createRedis } from '@cw/redis';
import { retryPolicy, type SchedulerConfig, schedulerConfig } from './config.ts';
import { runDailyJob } from './daily-job.ts';
import { previousDay } from './digest/digest-day.ts';
import { applyRetention } from './retention/retention.ts';
import { startSchedules } from './schedules.ts';
import { evaluateSpikes, type SpikeSettings } from './spikes/evaluate.ts';
import { drainOutbox, enqueueDeliveries, legacyWebhookHandler } from './webhooks/deliveries.ts';
import type { WebhookEvent } from './webhooks/events.ts';

export function spikeSettings(config: SchedulerConfig): SpikeSettings {
  return {
    windowMinutes: config.CW_SPIKE_WINDOW_MINUTES,
    cooldownMinutes: config.CW_SPIKE_COOLDOWN_MINUTES,
    minCount: config.CW_SPIKE_MIN_COUNT,
    minRatio: config.CW_SPIKE_MIN_RATIO,
    minScore: config.CW_SPIKE_MIN_SCORE,
    minShareRatio: config.CW_SPIKE_MIN_SHARE_RATIO,
    cusum: {
      ratio: config.CW_SPIKE_CUSUM_RATIO,
      threshold: config.CW_SPIKE_CUSUM_THRESHOLD,
      windows: config.CW_SPIKE_CUSUM_WINDOWS,
      baseline: config.CW_SPIKE_CUSUM_BASELINE,
      levelDays: config.CW_SPIKE_CUSUM_LEVEL_DAYS,
    },
    timeZone: config.CW_DIGEST_TZ,
    ...(config.CW_API_PUBLIC_URL ? { apiBaseUrl: config.CW_API_PUBLIC_URL } : {}),
  };
}

/** Narrative titles for alerts. A broken definition is the pipeline's to report: alerts then carry ids only. */
export function narrativeTitles(config: SchedulerConfig): { titles: Map<string, string>; error?: unknown } {
  const titles = new Map<string, string>();
  try {
    for (const d of loadNarrativeDefinitions(config.CW_NARRATIVES_DIR ?? DEFAULT_NARRATIVES_DIR))
      titles.set(d.id, d.title);
    return { titles };
  } catch (error) {
    return { titles, error };
  }
}

export async function main(env: NodeJS.ProcessEnv = process.env, options: { embedded?: boolean } = {}) {
  const config = schedulerConfig(env);
  const log = createLogger({
    service: 'scheduler',
    level: config.CW_LOG_LEVEL,
    pretty: config.CW_LOG_PRETTY,
  });
  const { redisUrl, esUrl } = serverUrls(config);
  const es = createEsClient(esUrl, esAuth(config));
  const prefix = config.CW_INDEX_PREFIX;
  await installIndices(es, prefix, { ...indexSettings(config), onWarning: (m) => log.warn(m) });

  const client = createRedis(redisUrl, 'client');
  const workerConnection = createRedis(redisUrl, 'worker');
  for (const c of [client, workerConnection]) c.on('error', (err) => log.error({ err }, 'redis error'));
  const targets = config.CW_WEBHOOKS;
  const { titles, error: titlesError } = narrativeTitles(config);
  if (titlesError)
    log.warn({ err: titlesError }, 'narrative definitions unreadable; alerts carry narrative ids only');
  const store = { redis: client, prefix: config.CW_QUEUE_PREFIX };
  const deliveryDeps = {
    es,
    prefix,
    store,
    targets,
    allowPrivate: config.CW_WEBHOOK_ALLOW_PRIVATE,
    timeoutMs: config.CW_WEBHOOK_TIMEOUT_MS,
    retry: retryPolicy(config),
    log,
  };
  // Jobs queued by a version before the outbox: moved into it.
  const legacy = createWorker('webhooks', legacyWebhookHandler(store, targets), {
    connection: workerConnection,
    prefix: config.CW_QUEUE_PREFIX,
    log,
  });
  const notify = (messageId: string, event: WebhookEvent) =>
    enqueueDeliveries(store, targets, messageId, event);

  const schedules = await startSchedules({
    connection: client,
    workerConnection,
    prefix: config.CW_QUEUE_PREFIX,
    log,
    spikeEveryMs: config.CW_SPIKE_EVERY_MINUTES * 60_000,
    digestCron: config.CW_DIGEST_CRON,
    digestTz: config.CW_DIGEST_TZ,
    outboxEveryMs: config.CW_WEBHOOK_DRAIN_SECONDS * 1000,
    retentionCron: config.CW_RETENTION_CRON,
    handlers: {
      // Wall time, not the tick's due time: a retry is due by the clock, however late the tick.
      outbox: () => drainOutbox(deliveryDeps, new Date()),
      spikes: async (at, jobLog) => {
        const result = await evaluateSpikes({
          es,
          prefix,
          now: at,
          settings: spikeSettings(config),
          notify,
          titles,
        });
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
        const { files, trends } = await runDailyJob({
          es,
          prefix,
          date,
          timeZone: config.CW_DIGEST_TZ,
          dir: config.CW_DIGEST_DIR,
          titles,
          notify,
          ...(config.CW_API_PUBLIC_URL ? { apiBaseUrl: config.CW_API_PUBLIC_URL } : {}),
        });
        jobLog.info(
          {
            date,
            files,
            narratives: trends.verdicts.length,
            trends: trends.reported.map((t) => t.narrative),
          },
          'daily digest written and trends evaluated',
        );
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
      { name: 'legacy webhooks', run: () => legacy.close() },
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
