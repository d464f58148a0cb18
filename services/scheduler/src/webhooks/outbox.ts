// The webhook outbox: one FIFO per target in Redis, so a message waits there (through restarts and
// receiver outages) until it is delivered or given up, and messages to one target leave in the
// order they were written. Keys, under the queue prefix:
//   <p>:outbox:targets              SET   targets that ever had a message
//   <p>:outbox:seq                  INCR  global order of messages
//   <p>:outbox:<target>:pending     ZSET  messageId by seq (the FIFO)
//   <p>:outbox:<target>:done        ZSET  messageId by finish time (delivered or given up; kept KEEP_DONE_MS)
//   <p>:outbox:<target>:msg:<id>    STRING the entry as JSON
// Only the drain holding the target's lock changes a pending entry; `retryEntry` only touches
// finished ones, so the two never race on one entry.
import type { Redis } from 'ioredis';
import type { WebhookEvent } from './events.ts';

export type OutboxStore = { redis: Redis; prefix: string };

export type OutboxState = 'pending' | 'delivered' | 'failed';

export type OutboxEntry = {
  messageId: string;
  target: string;
  kind: 'alert' | 'digest';
  event: WebhookEvent;
  state: OutboxState;
  seq: number;
  createdAt: string;
  /** Retries stop once the next attempt would fall after this (createdAt + the retry window). */
  attempts: number;
  nextAttemptAt: string;
  lastAttemptAt?: string;
  lastStatusCode?: number;
  lastError?: string;
  finishedAt?: string;
};

/** Finished entries stay this long, so a rerun can say when its message was delivered. */
export const KEEP_DONE_MS = 30 * 24 * 3_600_000;

const keys = (store: OutboxStore, target: string) => {
  const base = `${store.prefix}:outbox:${target}`;
  return {
    pending: `${base}:pending`,
    done: `${base}:done`,
    msg: (id: string) => `${base}:msg:${id}`,
  };
};
const targetsKey = (store: OutboxStore) => `${store.prefix}:outbox:targets`;

export async function getEntry(
  store: OutboxStore,
  target: string,
  messageId: string,
): Promise<OutboxEntry | undefined> {
  const json = await store.redis.get(keys(store, target).msg(messageId));
  return json ? (JSON.parse(json) as OutboxEntry) : undefined;
}

/**
 * Put a message in a target's outbox. A message id already there (pending or finished) is left as
 * it is and returned: the id is the receiver's idempotency key, so it is sent at most once per id.
 */
export async function addEntry(
  store: OutboxStore,
  message: { target: string; messageId: string; kind: 'alert' | 'digest'; event: WebhookEvent },
  now: Date,
): Promise<{ added: boolean; entry: OutboxEntry }> {
  const k = keys(store, message.target);
  const seq = await store.redis.incr(`${store.prefix}:outbox:seq`);
  const entry: OutboxEntry = {
    ...message,
    state: 'pending',
    seq,
    createdAt: now.toISOString(),
    attempts: 0,
    nextAttemptAt: now.toISOString(),
  };
  const set = await store.redis.set(k.msg(message.messageId), JSON.stringify(entry), 'NX');
  if (set !== 'OK') {
    const existing = await getEntry(store, message.target, message.messageId);
    if (existing) return { added: false, entry: existing };
  }
  // The FIFO entry comes after the message itself, so a drain never sees an id without its body.
  await store.redis
    .multi()
    .zadd(k.pending, seq, message.messageId)
    .sadd(targetsKey(store), message.target)
    .exec();
  return { added: true, entry };
}

/** The oldest pending message of a target: the only one that may be sent next. */
export async function headEntry(store: OutboxStore, target: string): Promise<OutboxEntry | undefined> {
  const [id] = await store.redis.zrange(keys(store, target).pending, 0, 0);
  if (id === undefined) return undefined;
  const entry = await getEntry(store, target, id);
  if (!entry) {
    // A FIFO id without its message cannot be sent; drop it rather than block the target forever.
    await store.redis.zrem(keys(store, target).pending, id);
    return headEntry(store, target);
  }
  return entry;
}

export async function saveEntry(store: OutboxStore, entry: OutboxEntry): Promise<void> {
  await store.redis.set(keys(store, entry.target).msg(entry.messageId), JSON.stringify(entry));
}

/** Delivered or given up: out of the FIFO, into the finished set; old finished entries are dropped. */
export async function finishEntry(store: OutboxStore, entry: OutboxEntry, now: Date): Promise<void> {
  const k = keys(store, entry.target);
  const finishedAt = now.toISOString();
  const expired = await store.redis.zrangebyscore(k.done, '-inf', now.getTime() - KEEP_DONE_MS);
  const tx = store.redis
    .multi()
    .set(k.msg(entry.messageId), JSON.stringify({ ...entry, finishedAt }))
    .zrem(k.pending, entry.messageId)
    .zadd(k.done, now.getTime(), entry.messageId);
  if (expired.length > 0) tx.zrem(k.done, ...expired).del(...expired.map((id) => k.msg(id)));
  await tx.exec();
}

/**
 * Send a finished message again (`cw deliveries retry`): back into the FIFO at its original place
 * with a fresh retry window. Pending messages are left alone (they are already being retried).
 */
export async function retryEntry(
  store: OutboxStore,
  target: string,
  messageId: string,
  now: Date,
): Promise<OutboxEntry | undefined> {
  const entry = await getEntry(store, target, messageId);
  if (!entry || entry.state === 'pending') return entry;
  const k = keys(store, target);
  const { finishedAt: _finished, ...rest } = entry;
  const again: OutboxEntry = {
    ...rest,
    state: 'pending',
    attempts: 0,
    createdAt: now.toISOString(),
    nextAttemptAt: now.toISOString(),
  };
  await store.redis
    .multi()
    .set(k.msg(messageId), JSON.stringify(again))
    .zrem(k.done, messageId)
    .zadd(k.pending, entry.seq, messageId)
    .exec();
  return again;
}

export async function outboxTargets(store: OutboxStore): Promise<string[]> {
  return (await store.redis.smembers(targetsKey(store))).sort();
}

/** Entries of one target: pending in send order, then finished ones, newest first. */
export async function listEntries(
  store: OutboxStore,
  target: string,
  options: { state?: OutboxState; limit?: number } = {},
): Promise<OutboxEntry[]> {
  const limit = options.limit ?? 100;
  const k = keys(store, target);
  const ids = [
    ...(options.state === undefined || options.state === 'pending'
      ? await store.redis.zrange(k.pending, 0, limit - 1)
      : []),
    ...(options.state !== 'pending' ? await store.redis.zrevrange(k.done, 0, 4 * limit - 1) : []),
  ];
  if (ids.length === 0) return [];
  const values = await store.redis.mget(...ids.map((id) => k.msg(id)));
  return values
    .flatMap((v) => (v ? [JSON.parse(v) as OutboxEntry] : []))
    .filter((e) => options.state === undefined || e.state === options.state)
    .slice(0, limit);
}
