import { esAuth, indexSettings, serverUrls } from '@cw/config';
import { createEsClient, installIndices } from '@cw/es';
import { createRedis } from '@cw/redis';
import {
  enqueueDeliveries,
  evaluateSpikes,
  evaluateTrends,
  narrativeTitles,
  previousDay,
  type SchedulerConfig,
  schedulerConfig,
  spikeSettings,
  type WebhookEvent,
} from '@cw/scheduler';
import { describeEnqueued } from '../delivery-report.ts';
import type { CommandIo } from '../main.ts';
import { parseCommand } from '../parse-command.ts';

const USAGE = `usage: pnpm -s cw alerts check [--at ISO-8601] [--no-deliver]
       pnpm -s cw alerts trends [--date YYYY-MM-DD] [--no-deliver]
`;

/** Elasticsearch, and the webhook outbox when deliveries are wanted and targets configured;
 * `queued` says what became of each message put there. */
function clients(config: SchedulerConfig, deliver: boolean) {
  const { redisUrl, esUrl } = serverUrls(config);
  const es = createEsClient(esUrl, esAuth(config));
  // Commands queue until connected: a one-shot command's first one is sent at once.
  const connection =
    deliver && config.CW_WEBHOOKS.length > 0
      ? createRedis(redisUrl, 'client', { enableOfflineQueue: true })
      : undefined;
  const outbox = connection ? { redis: connection, prefix: config.CW_QUEUE_PREFIX } : undefined;
  const queued: string[] = [];
  const notify = outbox
    ? async (id: string, event: WebhookEvent) => {
        queued.push(...describeEnqueued(id, await enqueueDeliveries(outbox, config.CW_WEBHOOKS, id, event)));
      }
    : undefined;
  const close = async () => {
    connection?.disconnect();
    await es.close();
  };
  return { es, notify, queued, close };
}

/** `alerts check`: one spike evaluation now (or at --at), storing alerts as the schedule would. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommand(
    'alerts',
    USAGE,
    args,
    {
      allowPositionals: true,
      options: {
        at: { type: 'string' },
        date: { type: 'string' },
        'no-deliver': { type: 'boolean' },
      },
    },
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || (positionals[0] !== 'check' && positionals[0] !== 'trends')) {
    io.stderr.write(USAGE);
    return 2;
  }
  if (positionals[0] === 'trends') return trends(values, io);
  const now = values.at ? new Date(values.at) : new Date();
  if (Number.isNaN(now.getTime())) {
    io.stderr.write(`cw alerts: --at expects an ISO-8601 time, got '${values.at}'\n`);
    return 2;
  }
  const config = schedulerConfig();
  const { es, notify, queued, close } = clients(config, !values['no-deliver']);
  try {
    await installIndices(es, config.CW_INDEX_PREFIX, indexSettings(config));
    const result = await evaluateSpikes({
      es,
      prefix: config.CW_INDEX_PREFIX,
      now,
      settings: spikeSettings(config),
      titles: narrativeTitles(config).titles,
      ...(notify ? { notify } : {}),
    });
    io.stdout.write(`spike check for ${result.windowStart} – ${result.windowEnd}\n`);
    io.stdout.write(`  ${'narrative'.padEnd(28)} observed  expected   ratio   score  result\n`);
    for (const v of result.verdicts) {
      const outcome =
        v.action === 'none'
          ? v.fired
            ? 'fired'
            : `quiet${v.blockedBy.length ? ` (${v.blockedBy.join(', ')})` : ''}`
          : v.action;
      io.stdout.write(
        `  ${v.narrative.padEnd(28)} ${String(v.observed).padStart(8)} ${v.expected.toFixed(1).padStart(9)} ${v.ratio.toFixed(2).padStart(7)} ${v.score.toFixed(1).padStart(7)}  ${outcome}\n`,
      );
    }
    io.stdout.write(
      `${result.opened.length} opened, ${result.updated.length} updated, ${result.resolved.length} resolved\n`,
    );
    for (const line of queued) io.stdout.write(`  ${line}\n`);
    return 0;
  } finally {
    await close();
  }
}

/** `alerts trends`: the daily slow-rise check for one local day (yesterday by default), as the
 * scheduler runs it after the digest. A rerun of a day sends nothing new (same message ids). */
async function trends(values: { date?: string; 'no-deliver'?: boolean }, io: CommandIo): Promise<number> {
  const config: SchedulerConfig = schedulerConfig();
  const date = values.date ?? previousDay(new Date(), config.CW_DIGEST_TZ);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    io.stderr.write(`cw alerts: --date expects YYYY-MM-DD, got '${date}'\n`);
    return 2;
  }
  const { es, notify, queued, close } = clients(config, !values['no-deliver']);
  try {
    await installIndices(es, config.CW_INDEX_PREFIX, indexSettings(config));
    const result = await evaluateTrends({
      es,
      prefix: config.CW_INDEX_PREFIX,
      date,
      timeZone: config.CW_DIGEST_TZ,
      titles: narrativeTitles(config).titles,
      ...(config.CW_API_PUBLIC_URL ? { apiBaseUrl: config.CW_API_PUBLIC_URL } : {}),
      ...(notify ? { notify } : {}),
    });
    io.stdout.write(`trend check for the week ending ${date} (${config.CW_DIGEST_TZ})\n`);
    io.stdout.write(`  ${'narrative'.padEnd(28)}     week  previous  ordinary   ratio   score  result\n`);
    for (const v of result.verdicts) {
      const outcome = v.fired ? 'trend' : `quiet${v.blockedBy.length ? ` (${v.blockedBy.join(', ')})` : ''}`;
      io.stdout.write(
        `  ${v.narrative.padEnd(28)} ${String(v.observed).padStart(8)} ${String(v.previousWeek).padStart(9)} ${v.expected.toFixed(1).padStart(9)} ${v.ratio.toFixed(2).padStart(7)} ${v.score.toFixed(1).padStart(7)}  ${outcome}\n`,
      );
    }
    io.stdout.write(`${result.reported.length} trend(s)\n`);
    for (const line of queued) io.stdout.write(`  ${line}\n`);
    return 0;
  } finally {
    await close();
  }
}
