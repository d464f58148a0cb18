// Deliveries go through their own queue (`webhooks`): one job per message × target, retried with
// exponential backoff and jitter (catalog), every attempt written to `<prefix>-deliveries`.
import { type Client, indexNames } from '@cw/es';
import { enqueue, type Handler } from '@cw/queues';
import { type Queue, UnrecoverableError } from 'bullmq';
import type { WebhookTarget } from '../config.ts';
import type { WebhookEvent } from './events.ts';
import { formatBody } from './formats.ts';
import { sendSigned } from './send.ts';
import { RefusedTargetError } from './ssrf.ts';

export type DeliveryDeps = {
  es: Client;
  prefix: string;
  targets: readonly WebhookTarget[];
  allowPrivate: boolean;
  timeoutMs: number;
  now?: () => Date;
};

/** BullMQ job ids may not contain ':'; the id makes a second enqueue of one message a no-op. */
const jobId = (messageId: string, target: string) =>
  `${messageId}__${target}`.replace(/[^A-Za-z0-9_.-]/g, '-');

/** Queue one message to every target that wants its kind. Returns the targets it went to. */
export async function enqueueDeliveries(
  queue: Queue,
  targets: readonly WebhookTarget[],
  messageId: string,
  event: WebhookEvent,
  options: { backoffDelayMs?: number } = {},
): Promise<string[]> {
  const kind = event.type === 'digest.daily' ? 'digest' : 'alert';
  const chosen = targets.filter((t) => t.kinds.includes(kind));
  for (const target of chosen) {
    await enqueue(
      queue,
      'webhooks',
      { target: target.name, messageId, kind, body: event as unknown as Record<string, unknown> },
      {
        jobId: jobId(messageId, target.name),
        ...(options.backoffDelayMs
          ? { backoff: { type: 'exponential', delay: options.backoffDelayMs, jitter: 0.5 } }
          : {}),
      },
    );
  }
  return chosen.map((t) => t.name);
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

/** 4xx other than timeout/rate-limit: the receiver will not change its mind; stop retrying. */
const permanent = (code: number) => code >= 400 && code < 500 && code !== 408 && code !== 429;

export function deliveryHandler(deps: DeliveryDeps): Handler<'webhooks', { statusCode: number }> {
  const index = indexNames(deps.prefix).deliveries;
  const log = (doc: DeliveryLogDoc) => deps.es.index({ index, document: doc });
  return async (payload, { job }) => {
    const target = deps.targets.find((t) => t.name === payload.target);
    if (!target) throw new UnrecoverableError(`no webhook target named '${payload.target}' in CW_WEBHOOKS`);
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    const base = { messageId: payload.messageId, target: target.name, kind: payload.kind, attempt };
    const started = Date.now();
    const at = () => (deps.now?.() ?? new Date()).toISOString();
    const body = formatBody(target, payload.body as unknown as WebhookEvent);
    let result: Awaited<ReturnType<typeof sendSigned>>;
    try {
      result = await sendSigned(target, payload.messageId, body, {
        timeoutMs: deps.timeoutMs,
        allowPrivate: deps.allowPrivate,
        ...(deps.now ? { now: deps.now } : {}),
      });
    } catch (err) {
      const refused = err instanceof RefusedTargetError;
      const message = err instanceof Error ? err.message : String(err);
      await log({
        ...base,
        status: refused ? 'refused' : 'failed',
        error: message,
        durationMs: Date.now() - started,
        final: refused || lastAttempt,
        at: at(),
      });
      throw refused ? new UnrecoverableError(message) : err;
    }
    const durationMs = Date.now() - started;
    if (result.statusCode >= 200 && result.statusCode < 300) {
      await log({
        ...base,
        status: 'delivered',
        statusCode: result.statusCode,
        durationMs,
        final: true,
        at: at(),
      });
      return { statusCode: result.statusCode };
    }
    const stop = permanent(result.statusCode);
    await log({
      ...base,
      status: 'failed',
      statusCode: result.statusCode,
      error: result.body,
      durationMs,
      final: stop || lastAttempt,
      at: at(),
    });
    const message = `${target.name} answered ${result.statusCode}`;
    throw stop ? new UnrecoverableError(message) : new Error(message);
  };
}
