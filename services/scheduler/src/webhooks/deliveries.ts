// Deliveries: messages go into each target's outbox (outbox.ts); a drain, run every few seconds by
// the scheduler, sends the head of each target's FIFO, with capped exponential backoff for the
// retry window (24 h by default). Every attempt is written to `<prefix>-deliveries`.
import { type Client, indexNames } from '@cw/es';
import type { Logger } from '@cw/logging';
import type { Handler } from '@cw/queues';
import { UnrecoverableError } from 'bullmq';
import type { WebhookTarget } from '../config.ts';
import type { WebhookEvent } from './events.ts';
import { formatBody } from './formats.ts';
import { addEntry, finishEntry, headEntry, type OutboxEntry, type OutboxStore, saveEntry } from './outbox.ts';
import { type SendResult, sendSigned } from './send.ts';
import { RefusedTargetError } from './ssrf.ts';

export type RetryPolicy = {
  /** Delay after the first failure; doubled after each further one… */
  baseDelayMs: number;
  /** …up to this. */
  maxDelayMs: number;
  /** A message is given up once its next attempt would come later than this after it was written. */
  retryForMs: number;
  /** Share of each delay drawn at random, so many targets recovering together are spread out. */
  jitter: number;
};

export type DeliveryDeps = {
  es: Client;
  /** Index prefix (the delivery log). */
  prefix: string;
  store: OutboxStore;
  targets: readonly WebhookTarget[];
  allowPrivate: boolean;
  /** Deadline of one whole attempt. */
  timeoutMs: number;
  retry: RetryPolicy;
  log: Logger;
  random?: () => number;
  /** Messages sent per target per drain at most, so one drain ends in bounded time. */
  maxPerDrain?: number;
};

/** Delay before the attempt after `attempts` failed ones: base·2^(n−1), capped, minus jitter. */
export function backoffDelay(attempts: number, policy: RetryPolicy, random: () => number = Math.random) {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (1 - policy.jitter * random()));
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'retry'; reason: string; statusCode?: number; notBeforeMs?: number }
  | { kind: 'final'; status: 'failed' | 'refused'; reason: string; statusCode?: number };

/** What one attempt's answer (or error) means for the message. */
export function classifyAttempt(result: SendResult | Error, now: Date): AttemptOutcome {
  if (result instanceof RefusedTargetError)
    return { kind: 'final', status: 'refused', reason: result.message };
  if (result instanceof Error) return { kind: 'retry', reason: result.message };
  const { statusCode: code, body } = result;
  const said = body ? `: ${body.slice(0, 200)}` : '';
  if (code >= 200 && code < 300) return { kind: 'delivered', statusCode: code };
  if (code >= 300 && code < 400) {
    // A redirect is never followed: it could lead anywhere, including past the SSRF guard.
    return {
      kind: 'final',
      status: 'failed',
      statusCode: code,
      reason: `redirect ${code} to ${result.location ?? '(no location)'} not followed; fix the target URL`,
    };
  }
  if (code === 429) {
    const wait = retryAfterMs(result.retryAfter, now);
    return {
      kind: 'retry',
      statusCode: code,
      reason: `429 rate limited${wait !== undefined ? `, Retry-After ${Math.round(wait / 1000)} s` : ''}`,
      ...(wait !== undefined ? { notBeforeMs: wait } : {}),
    };
  }
  if (code === 408 || code >= 500) return { kind: 'retry', statusCode: code, reason: `${code}${said}` };
  // Other 4xx (and anything odd): the receiver will not change its mind on a retry.
  return { kind: 'final', status: 'failed', statusCode: code, reason: `${code}${said}` };
}

export type DeliveryLogDoc = {
  messageId: string;
  target: string;
  kind: string;
  attempt: number;
  status: 'delivered' | 'failed' | 'refused';
  statusCode?: number;
  error?: string;
  durationMs: number;
  final: boolean;
  at: string;
};

/** One attempt at a target's head message; returns whether the FIFO may move on. */
async function attempt(
  deps: DeliveryDeps,
  target: WebhookTarget,
  entry: OutboxEntry,
  now: Date,
): Promise<boolean> {
  const started = Date.now();
  let result: SendResult | Error;
  try {
    result = await sendSigned(target, entry.messageId, formatBody(target, entry.event), {
      timeoutMs: deps.timeoutMs,
      allowPrivate: deps.allowPrivate,
    });
  } catch (err) {
    result = err instanceof Error ? err : new Error(String(err));
  }
  const durationMs = Date.now() - started;
  const outcome = classifyAttempt(result, now);
  const attempts = entry.attempts + 1;
  const base = { ...entry, attempts, lastAttemptAt: now.toISOString() };
  const statusCode = outcome.kind === 'delivered' ? outcome.statusCode : outcome.statusCode;
  let next: OutboxEntry;
  let final = true;
  let status: DeliveryLogDoc['status'] = 'failed';
  let reason: string | undefined;
  if (outcome.kind === 'delivered') {
    status = 'delivered';
    next = { ...base, state: 'delivered', lastStatusCode: outcome.statusCode };
    await finishEntry(deps.store, next, now);
  } else {
    const delay = Math.max(
      backoffDelay(attempts, deps.retry, deps.random),
      outcome.kind === 'retry' ? (outcome.notBeforeMs ?? 0) : 0,
    );
    const nextAt = now.getTime() + delay;
    const giveUpAt = Date.parse(entry.createdAt) + deps.retry.retryForMs;
    reason = outcome.reason;
    if (outcome.kind === 'final') {
      status = outcome.status;
    } else if (nextAt > giveUpAt) {
      reason = `gave up after ${attempts} attempts over ${((now.getTime() - Date.parse(entry.createdAt)) / 3_600_000).toFixed(1)} h: ${outcome.reason}`;
    } else {
      final = false;
    }
    next = {
      ...base,
      ...(statusCode !== undefined ? { lastStatusCode: statusCode } : {}),
      lastError: reason,
      ...(final ? { state: 'failed' as const } : { nextAttemptAt: new Date(nextAt).toISOString() }),
    };
    if (final) await finishEntry(deps.store, next, now);
    else await saveEntry(deps.store, next);
    const fields = { target: target.name, messageId: entry.messageId, attempt: attempts, statusCode, reason };
    if (final) deps.log.error(fields, 'webhook delivery failed for good');
    else
      deps.log.warn({ ...fields, nextAttemptAt: next.nextAttemptAt }, 'webhook delivery failed; will retry');
  }
  const doc: DeliveryLogDoc = {
    messageId: entry.messageId,
    target: target.name,
    kind: entry.kind,
    attempt: attempts,
    status,
    ...(statusCode !== undefined ? { statusCode } : {}),
    ...(reason ? { error: reason } : {}),
    durationMs,
    final,
    at: now.toISOString(),
  };
  // The outbox is the record of truth; a log write that fails must not resend or lose the message.
  await deps.es
    .index({ index: indexNames(deps.prefix).deliveries, document: doc })
    .catch((err: unknown) =>
      deps.log.error({ err, messageId: entry.messageId }, 'delivery log write failed'),
    );
  return final;
}

const lockKey = (store: OutboxStore, target: string) => `${store.prefix}:outbox:${target}:lock`;
const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/**
 * Send what is due in one target's FIFO, oldest first, stopping at the first message still waiting
 * for its retry: later messages wait behind it, so a receiver sees them in order. A lock keeps two
 * scheduler replicas from sending the same head at once.
 */
export async function drainTarget(deps: DeliveryDeps, target: WebhookTarget, now: Date): Promise<number> {
  const key = lockKey(deps.store, target.name);
  const token = `${process.pid}-${Math.random()}`;
  const lockMs = deps.timeoutMs + 10_000;
  if ((await deps.store.redis.set(key, token, 'PX', lockMs, 'NX')) !== 'OK') return 0;
  let sent = 0;
  try {
    for (let i = 0; i < (deps.maxPerDrain ?? 50); i += 1) {
      const head = await headEntry(deps.store, target.name);
      if (!head || Date.parse(head.nextAttemptAt) > now.getTime()) break;
      await deps.store.redis.pexpire(key, lockMs);
      const moveOn = await attempt(deps, target, head, now);
      sent += 1;
      if (!moveOn) break;
    }
  } finally {
    await deps.store.redis.eval(RELEASE, 1, key, token);
  }
  return sent;
}

/** One drain of every configured target, in parallel (targets never wait for each other). */
export async function drainOutbox(deps: DeliveryDeps, now: Date): Promise<number> {
  const counts = await Promise.all(deps.targets.map((t) => drainTarget(deps, t, now)));
  return counts.reduce((a, b) => a + b, 0);
}

export type EnqueueResult = { target: string; added: boolean; entry: OutboxEntry };

/** Put one message in the outbox of every target that wants its kind. */
export async function enqueueDeliveries(
  store: OutboxStore,
  targets: readonly WebhookTarget[],
  messageId: string,
  event: WebhookEvent,
  now: Date = new Date(),
): Promise<EnqueueResult[]> {
  const kind = event.type === 'digest.daily' ? 'digest' : 'alert';
  const results: EnqueueResult[] = [];
  for (const target of targets.filter((t) => t.kinds.includes(kind))) {
    const { added, entry } = await addEntry(store, { target: target.name, messageId, kind, event }, now);
    results.push({ target: target.name, added, entry });
  }
  return results;
}

/**
 * Jobs left on the `webhooks` queue by a version before the outbox: move each into its target's
 * outbox, which delivers it. The queue keeps its name and payload until those jobs are gone.
 */
export function legacyWebhookHandler(
  store: OutboxStore,
  targets: readonly WebhookTarget[],
): Handler<'webhooks', boolean> {
  return async (payload) => {
    if (!targets.some((t) => t.name === payload.target))
      throw new UnrecoverableError(`no webhook target named '${payload.target}' in CW_WEBHOOKS`);
    const { added } = await addEntry(
      store,
      {
        target: payload.target,
        messageId: payload.messageId,
        kind: payload.kind,
        event: payload.body as unknown as WebhookEvent,
      },
      new Date(),
    );
    return added;
  };
}
