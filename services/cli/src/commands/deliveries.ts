import { serverUrls } from '@cw/config';
import { createRedis } from '@cw/redis';
import {
  listEntries,
  type OutboxEntry,
  type OutboxState,
  outboxTargets,
  retryEntry,
  schedulerConfig,
} from '@cw/scheduler';
import type { CommandIo } from '../main.ts';
import { parseCommand } from '../parse-command.ts';

const USAGE = `usage: pnpm -s cw deliveries list [--target NAME] [--state pending|delivered|failed] [--limit N]
       pnpm -s cw deliveries retry TARGET MESSAGE_ID
       pnpm -s cw deliveries retry --failed [--target NAME]
`;

const STATES = ['pending', 'delivered', 'failed'] as const;

function line(e: OutboxEntry): string {
  const when =
    e.state === 'pending'
      ? `next ${e.nextAttemptAt}`
      : `${e.state === 'delivered' ? 'delivered' : 'gave up'} ${e.finishedAt ?? ''}`;
  const error = e.state !== 'delivered' && e.lastError ? `  ${e.lastError}` : '';
  return `${e.target.padEnd(16)} ${e.messageId.padEnd(44)} ${e.state.padEnd(9)} ${String(e.attempts).padStart(3)}  created ${e.createdAt}  ${when}${error}`;
}

/** `deliveries list|retry`: the webhook outbox of every target, and sending a message again. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommand(
    'deliveries',
    USAGE,
    args,
    {
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        state: { type: 'string' },
        limit: { type: 'string' },
        failed: { type: 'boolean' },
      },
    },
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [action, ...rest] = positionals;
  const state = values.state as OutboxState | undefined;
  if (state !== undefined && !STATES.includes(state)) {
    io.stderr.write(`cw deliveries: --state expects pending, delivered or failed, got '${values.state}'\n`);
    return 2;
  }
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    io.stderr.write(`cw deliveries: --limit expects a positive whole number, got '${values.limit}'\n`);
    return 2;
  }
  const retryOne = action === 'retry' && rest.length === 2 && !values.failed;
  const retryFailed = action === 'retry' && rest.length === 0 && values.failed === true;
  if (!(action === 'list' && rest.length === 0) && !retryOne && !retryFailed) {
    io.stderr.write(USAGE);
    return 2;
  }
  const config = schedulerConfig();
  // Commands queue until connected: a one-shot command's first one is sent at once (as `channels`).
  const redis = createRedis(serverUrls(config).redisUrl, 'client', { enableOfflineQueue: true });
  const store = { redis, prefix: config.CW_QUEUE_PREFIX };
  try {
    const targets = values.target ? [values.target] : await outboxTargets(store);
    if (action === 'list') {
      let shown = 0;
      for (const target of targets) {
        for (const entry of await listEntries(store, target, { ...(state ? { state } : {}), limit })) {
          io.stdout.write(`${line(entry)}\n`);
          shown += 1;
        }
      }
      if (shown === 0) io.stdout.write('no deliveries\n');
      return 0;
    }
    const now = new Date();
    if (retryOne) {
      const [target = '', messageId = ''] = rest;
      const entry = await retryEntry(store, target, messageId, now);
      if (!entry) {
        io.stderr.write(`cw deliveries: no message '${messageId}' in the outbox of '${target}'\n`);
        return 1;
      }
      io.stdout.write(
        entry.attempts > 0
          ? `${messageId} → ${target} is still pending (${entry.attempts} attempts, next ${entry.nextAttemptAt}); left as it is\n`
          : `${messageId} → ${target} queued again with a fresh retry window\n`,
      );
      return 0;
    }
    let retried = 0;
    for (const target of targets) {
      for (;;) {
        const failed = await listEntries(store, target, { state: 'failed', limit: 100 });
        if (failed.length === 0) break;
        for (const entry of failed) {
          await retryEntry(store, target, entry.messageId, now);
          retried += 1;
        }
      }
    }
    io.stdout.write(`${retried} failed deliver${retried === 1 ? 'y' : 'ies'} queued again\n`);
    return 0;
  } finally {
    redis.disconnect();
  }
}
