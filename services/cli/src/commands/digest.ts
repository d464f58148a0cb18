import { esAuth, indexSettings, serverUrls } from '@cw/config';
import { createEsClient, installIndices } from '@cw/es';
import { createRedis } from '@cw/redis';
import {
  type EnqueueResult,
  enqueueDeliveries,
  previousDay,
  runDigest,
  schedulerConfig,
} from '@cw/scheduler';
import { describeEnqueued } from '../delivery-report.ts';
import type { CommandIo } from '../main.ts';
import { parseCommand } from '../parse-command.ts';

const USAGE = 'usage: pnpm -s cw digest [--date YYYY-MM-DD] [--out DIR] [--tz ZONE] [--deliver]\n';

/** Build the daily digest on demand; the same code the 08:00 schedule runs. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommand(
    'digest',
    USAGE,
    args,
    {
      options: {
        date: { type: 'string' },
        out: { type: 'string' },
        tz: { type: 'string' },
        deliver: { type: 'boolean' },
      },
    },
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const config = schedulerConfig({ ...process.env, ...(values.tz ? { CW_DIGEST_TZ: values.tz } : {}) });
  const timeZone = config.CW_DIGEST_TZ;
  const date = values.date ?? previousDay(new Date(), timeZone);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    io.stderr.write(`cw digest: --date expects YYYY-MM-DD, got '${date}'\n${USAGE}`);
    return 2;
  }
  const { redisUrl, esUrl } = serverUrls(config);
  const es = createEsClient(esUrl, esAuth(config));
  const connection = values.deliver
    ? createRedis(redisUrl, 'client', { enableOfflineQueue: true })
    : undefined;
  const outbox = connection ? { redis: connection, prefix: config.CW_QUEUE_PREFIX } : undefined;
  const queued: { id: string; results: EnqueueResult[] }[] = [];
  try {
    await installIndices(es, config.CW_INDEX_PREFIX, indexSettings(config));
    io.stderr.write(`building the digest of ${date} (${timeZone})…\n`);
    const { digest, files } = await runDigest({
      es,
      prefix: config.CW_INDEX_PREFIX,
      date,
      timeZone,
      dir: values.out ?? config.CW_DIGEST_DIR,
      ...(outbox
        ? {
            notify: async (id, event) =>
              queued.push({ id, results: await enqueueDeliveries(outbox, config.CW_WEBHOOKS, id, event) }),
          }
        : {}),
    });
    io.stdout.write(
      `digest ${digest.date}: ${digest.totalPosts} posts, ${digest.taggedPosts} with a narrative, ` +
        `${digest.narratives.length} narratives, ${digest.alerts.length} alerts\n`,
    );
    for (const n of digest.narratives.slice(0, 10)) {
      const change = n.ratio === null ? 'new' : `×${n.ratio.toFixed(2)}`;
      io.stdout.write(
        `  ${n.narrative.padEnd(28)} ${String(n.count).padStart(6)}  (7-day average ${n.average7d.toFixed(1)}, ${change})\n`,
      );
    }
    for (const [kind, path] of Object.entries(files)) io.stdout.write(`${kind.padEnd(9)} ${path}\n`);
    if (outbox) {
      const lines = queued.flatMap((q) => describeEnqueued(q.id, q.results));
      io.stdout.write(
        lines.length > 0 ? `${lines.join('\n')}\n` : 'no webhook target takes digests (CW_WEBHOOKS)\n',
      );
    }
    return 0;
  } finally {
    connection?.disconnect();
    await es.close();
  }
}
