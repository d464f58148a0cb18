import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { indexNames, installIndices } from '@cw/es';
import { createRedis } from '@cw/redis';
import { Webhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import type { WebhookTarget } from '../config.ts';
import { TEST_SECRET, testDeliveries, testTarget } from '../test-fixtures.ts';
import { type DeliveryDeps, drainOutbox, enqueueDeliveries } from './deliveries.ts';
import type { DigestEvent } from './events.ts';
import { getEntry, type OutboxStore } from './outbox.ts';
import { startWebhookReceiver } from './receiver.ts';
import { DeadlineError, sendSigned } from './send.ts';

const ctx = isolatedServers();
const secret = TEST_SECRET;
const MINUTE = 60_000;

const event = (date: string): DigestEvent => ({
  type: 'digest.daily',
  version: '1',
  timestamp: `${date}T03:00:00.000Z`,
  data: {
    date,
    timeZone: 'Asia/Almaty',
    from: '2026-09-30T19:00:00.000Z',
    to: '2026-10-01T19:00:00.000Z',
    totalPosts: 3,
    narratives: [{ narrative: 'n1', count: 3, average7d: 1, ratio: 3 }],
    topPosts: [],
    alerts: [],
    newForwardSources: [],
  },
});

let suffix = 0;
/** Deliveries with their own outbox keys; no jitter, so the schedule the test drives is exact. */
function deps(targets: WebhookTarget[], options: Partial<DeliveryDeps> = {}): DeliveryDeps {
  suffix += 1;
  return testDeliveries(
    { es: ctx.es, prefix: ctx.prefix, store: { redis: ctx.redis, prefix: `${ctx.prefix}-${suffix}` } },
    targets,
    {
      retry: { baseDelayMs: 2000, maxDelayMs: MINUTE, retryForMs: 24 * 60 * MINUTE, jitter: 0.5 },
      ...options,
    },
  );
}

const target = (url: string, name = 'local') => testTarget(url, { name });

async function deliveryLog(messageId: string) {
  await ctx.es.indices.refresh({ index: indexNames(ctx.prefix).deliveries });
  const res = await ctx.es.search<{ attempt: number; status: string; statusCode?: number; at: string }>({
    index: indexNames(ctx.prefix).deliveries,
    query: { term: { messageId } },
    sort: [{ attempt: 'asc' }],
    size: 100,
  });
  return res.hits.hits.map((h) => h._source!);
}

beforeAll(async () => {
  await installIndices(ctx.es, ctx.prefix);
});

describe('webhook outbox', () => {
  it('a receiver down for 10 minutes gets the message exactly once after it returns, across a scheduler restart', async () => {
    const receiver = await startWebhookReceiver({ secret });
    await receiver.stop();
    const d = deps([target(receiver.url)]);
    const id = 'digest_2026-10-01';
    const t0 = Date.now();
    await enqueueDeliveries(d.store, d.targets, id, event('2026-10-01'), new Date(t0));
    let store: OutboxStore = d.store;
    const restarted = createRedis(ctx.redisUrl, 'client');
    try {
      // Driven time: a drain every 15 s of the schedule's clock for 15 minutes.
      for (let t = t0; t <= t0 + 15 * MINUTE; t += 15_000) {
        if (t >= t0 + 10 * MINUTE && receiver.requests === 0 && !receiver.listening) await receiver.start();
        // Half way through, a new scheduler process: only Redis carries the message over.
        if (t === t0 + 5 * MINUTE) store = { redis: restarted, prefix: d.store.prefix };
        await drainOutbox({ ...d, store }, new Date(t));
      }
      expect(receiver.requests).toBe(1);
      expect(receiver.rejected).toEqual([]);
      expect(receiver.received.map((r) => r.id)).toEqual([id]);
      // Verified again here with the reference library, from the raw body and headers as received.
      const got = receiver.received[0]!;
      expect(got.payload).toEqual(event('2026-10-01'));
      expect(() =>
        new Webhook(secret).verify(got.body, {
          'webhook-id': got.id,
          'webhook-timestamp': got.timestamp,
          'webhook-signature': got.signature,
        }),
      ).not.toThrow();
      const entry = await getEntry(store, 'local', id);
      expect(entry?.state).toBe('delivered');
      // 2 s, 4 s, … capped at a minute: about 14 refused attempts in the 10 minutes it was down.
      expect(entry?.attempts).toBeGreaterThanOrEqual(12);
      const attempts = await deliveryLog(id);
      expect(attempts.at(-1)?.status).toBe('delivered');
      expect(Date.parse(attempts.at(-1)!.at)).toBeGreaterThanOrEqual(t0 + 10 * MINUTE);
      expect(attempts.slice(0, -1).every((a) => a.status === 'failed')).toBe(true);
      // A rerun that writes the same message finds it delivered and sends nothing.
      const again = await enqueueDeliveries(store, d.targets, id, event('2026-10-01'));
      expect(again.map((r) => [r.added, r.entry.state])).toEqual([[false, 'delivered']]);
      await drainOutbox({ ...d, store }, new Date(t0 + 16 * MINUTE));
      expect(receiver.requests).toBe(1);
    } finally {
      restarted.disconnect();
      await receiver.close();
    }
  });

  it('retries carry one webhook-id, and a 429 is retried no earlier than its Retry-After', async () => {
    const receiver = await startWebhookReceiver({
      secret,
      respond: (n) =>
        n === 1
          ? { status: 503 }
          : n === 2
            ? { status: 429, headers: { 'retry-after': '120' }, body: 'slow down' }
            : undefined,
    });
    const d = deps([target(receiver.url)]);
    const t0 = Date.now();
    try {
      await enqueueDeliveries(d.store, d.targets, 'alert_x_r1', event('2026-10-02'), new Date(t0));
      await drainOutbox(d, new Date(t0)); // 503: next in 2 s
      await drainOutbox(d, new Date(t0 + 2_000)); // 429: next no earlier than 120 s later
      await drainOutbox(d, new Date(t0 + 2_000 + 119_000));
      expect(receiver.requests).toBe(2);
      await drainOutbox(d, new Date(t0 + 2_000 + 120_000));
      expect(receiver.requests).toBe(3);
      expect(receiver.attemptIds).toEqual(['alert_x_r1', 'alert_x_r1', 'alert_x_r1']);
      expect(receiver.received).toHaveLength(1);
      expect((await getEntry(d.store, 'local', 'alert_x_r1'))?.state).toBe('delivered');
    } finally {
      await receiver.close();
    }
  });

  it('messages to one target arrive in the order written, even when the first needs retries', async () => {
    const receiver = await startWebhookReceiver({ secret, failFirst: 1 });
    const d = deps([target(receiver.url)]);
    const t0 = Date.now();
    try {
      await enqueueDeliveries(d.store, d.targets, 'alert_a_r1', event('2026-10-03'), new Date(t0));
      await enqueueDeliveries(d.store, d.targets, 'alert_a_r2', event('2026-10-04'), new Date(t0));
      await drainOutbox(d, new Date(t0));
      // The first failed; the second waits behind it instead of overtaking.
      expect(receiver.attemptIds).toEqual(['alert_a_r1']);
      await drainOutbox(d, new Date(t0 + 2_000));
      expect(receiver.received.map((r) => r.id)).toEqual(['alert_a_r1', 'alert_a_r2']);
    } finally {
      await receiver.close();
    }
  });

  it('a redirect is final, logged with its reason, never followed, and does not block the next message', async () => {
    const elsewhere = await startWebhookReceiver({ secret });
    const receiver = await startWebhookReceiver({
      secret,
      respond: (n) => (n === 1 ? { status: 302, headers: { location: elsewhere.url } } : undefined),
    });
    const d = deps([target(receiver.url)]);
    try {
      await enqueueDeliveries(d.store, d.targets, 'digest_redirect', event('2026-10-05'));
      await enqueueDeliveries(d.store, d.targets, 'digest_after', event('2026-10-06'));
      await drainOutbox(d, new Date());
      const failed = await getEntry(d.store, 'local', 'digest_redirect');
      expect(failed?.state).toBe('failed');
      expect(failed?.lastError).toMatch(/^redirect 302 to http:\/\/127\.0\.0\.1:\d+\/hooks not followed/);
      expect(elsewhere.requests).toBe(0);
      expect(receiver.received.map((r) => r.id)).toEqual(['digest_after']);
      expect((await deliveryLog('digest_redirect')).map((a) => [a.status, a.statusCode])).toEqual([
        ['failed', 302],
      ]);
    } finally {
      await receiver.close();
      await elsewhere.close();
    }
  });

  it('a 4xx other than 408/429 (a bad signature) is final; a 408 is retried', async () => {
    const wrong = await startWebhookReceiver({ secret: 'whsec_QUtFWUZPUkFOT1RIRVJSRUNFSVZFUg==' });
    const slow = await startWebhookReceiver({
      secret,
      respond: (n) => (n === 1 ? { status: 408 } : undefined),
    });
    const d = deps([target(wrong.url, 'wrong'), target(slow.url, 'slow')]);
    try {
      await enqueueDeliveries(d.store, d.targets, 'digest_4xx', event('2026-10-07'));
      await drainOutbox(d, new Date());
      expect(wrong.rejected).toHaveLength(1);
      expect((await getEntry(d.store, 'wrong', 'digest_4xx'))?.state).toBe('failed');
      expect((await getEntry(d.store, 'wrong', 'digest_4xx'))?.lastError).toBe('401: bad signature');
      const retried = await getEntry(d.store, 'slow', 'digest_4xx');
      expect([retried?.state, retried?.attempts, retried?.lastStatusCode]).toEqual(['pending', 1, 408]);
    } finally {
      await wrong.close();
      await slow.close();
    }
  });

  it('gives up once the retry window is over, and keeps the message as failed', async () => {
    const receiver = await startWebhookReceiver({ secret });
    await receiver.stop();
    const d = deps([target(receiver.url)], {
      retry: { baseDelayMs: MINUTE, maxDelayMs: 60 * MINUTE, retryForMs: 3 * 60 * MINUTE, jitter: 0 },
    });
    const t0 = Date.now();
    await enqueueDeliveries(d.store, d.targets, 'digest_lost', event('2026-10-08'), new Date(t0));
    for (let t = t0; t <= t0 + 5 * 60 * MINUTE; t += MINUTE) await drainOutbox(d, new Date(t));
    const entry = await getEntry(d.store, 'local', 'digest_lost');
    expect(entry?.state).toBe('failed');
    // Attempts at 0, 1, 3, 7, 15, 31, 63 and 123 minutes; the next (at 183) would come after 3 h.
    expect(entry?.lastError).toMatch(/^gave up after 8 attempts over 2\.\d h: .*ECONNREFUSED/);
  });

  it('refuses a loopback target unless private targets are allowed (SSRF), without retrying', async () => {
    const receiver = await startWebhookReceiver({ secret });
    const d = deps([target(receiver.url.replace('127.0.0.1', 'localhost'))], { allowPrivate: false });
    try {
      await enqueueDeliveries(d.store, d.targets, 'digest_ssrf', event('2026-10-09'));
      await drainOutbox(d, new Date());
      expect((await getEntry(d.store, 'local', 'digest_ssrf'))?.state).toBe('failed');
      expect((await deliveryLog('digest_ssrf')).map((a) => a.status)).toEqual(['refused']);
      expect(receiver.requests).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});

describe('one attempt', () => {
  it('a receiver trickling its answer a byte at a time is cut at the whole-attempt deadline', async () => {
    let closed = false;
    const timers = new Set<NodeJS.Timeout>();
    const server = createServer((req, res) => {
      req.resume();
      req.socket.on('close', () => {
        closed = true;
      });
      res.writeHead(200, { 'content-type': 'text/plain' });
      // Never idle for long (a socket timeout would not fire), never done.
      const timer = setInterval(() => res.write('.'), 100);
      timers.add(timer);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const attempt = sendSigned({ url: `http://127.0.0.1:${port}/hooks`, secret }, 'm1', '{}', {
        timeoutMs: 700,
        allowPrivate: true,
      });
      await expect(attempt).rejects.toBeInstanceOf(DeadlineError);
      await expect(attempt).rejects.toThrow('no complete answer within the 700 ms deadline');
      for (let i = 0; i < 50 && !closed; i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(closed).toBe(true);
    } finally {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
