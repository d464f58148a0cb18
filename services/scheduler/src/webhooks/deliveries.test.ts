import { indexNames, installIndices } from '@cw/es';
import { createLogger } from '@cw/logging';
import { createQueue, createWorker } from '@cw/queues';
import { createRedis } from '@cw/redis';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import type { WebhookTarget } from '../config.ts';
import { deliveryHandler, enqueueDeliveries } from './deliveries.ts';
import type { DigestEvent } from './events.ts';
import { startWebhookReceiver } from './receiver.ts';
import { isNonPublicAddress } from './ssrf.ts';

const ctx = isolatedServers();
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const log = createLogger({ service: 'test', level: 'silent' });

const event: DigestEvent = {
  type: 'digest.daily',
  version: '1',
  timestamp: '2026-10-02T03:00:00.000Z',
  data: {
    date: '2026-10-01',
    timeZone: 'Asia/Almaty',
    from: '2026-09-30T19:00:00.000Z',
    to: '2026-10-01T19:00:00.000Z',
    totalPosts: 3,
    narratives: [{ narrative: 'n1', count: 3, average7d: 1, ratio: 3 }],
    topPosts: [],
    alerts: [],
    newForwardSources: [],
  },
};

async function until(check: () => Promise<boolean>, what: string, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function deliveryLog(messageId: string) {
  await ctx.es.indices.refresh({ index: indexNames(ctx.prefix).deliveries });
  const res = await ctx.es.search<{ attempt: number; status: string; statusCode?: number }>({
    index: indexNames(ctx.prefix).deliveries,
    query: { term: { messageId } },
    sort: [{ attempt: 'asc' }],
  });
  return res.hits.hits.map((h) => h._source!);
}

function harness(targets: WebhookTarget[], allowPrivate: boolean, queueSuffix: string) {
  const prefix = `${ctx.prefix}-${queueSuffix}`;
  const queue = createQueue('webhooks', { connection: createRedis(ctx.redisUrl, 'client'), prefix });
  const worker = createWorker(
    'webhooks',
    deliveryHandler({ es: ctx.es, prefix: ctx.prefix, targets, allowPrivate, timeoutMs: 2000 }),
    {
      connection: createRedis(ctx.redisUrl, 'worker'),
      prefix,
      log,
    },
  );
  return {
    queue,
    async close() {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

beforeAll(async () => {
  await installIndices(ctx.es, ctx.prefix);
});

describe('webhook deliveries', () => {
  it('a receiver failing twice then succeeding gets the message once, signed, with every attempt logged', async () => {
    const receiver = await startWebhookReceiver({ secret, failFirst: 2 });
    const targets: WebhookTarget[] = [
      { name: 'local', url: receiver.url, secret, format: 'json', kinds: ['alert', 'digest'] },
    ];
    const h = harness(targets, true, 'retry');
    try {
      await enqueueDeliveries(h.queue, targets, 'digest_2026-10-01', event, { backoffDelayMs: 100 });
      // A second enqueue of the same message (e.g. a re-run) is a no-op: same job id.
      await enqueueDeliveries(h.queue, targets, 'digest_2026-10-01', event, { backoffDelayMs: 100 });
      await until(
        async () => (await deliveryLog('digest_2026-10-01')).some((d) => d.status === 'delivered'),
        'delivery',
      );
      expect(receiver.requests).toBe(3);
      expect(receiver.rejected).toEqual([]);
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]?.id).toBe('digest_2026-10-01');
      expect(receiver.received[0]?.payload).toEqual(event);
      const attempts = await deliveryLog('digest_2026-10-01');
      expect(attempts.map((a) => [a.attempt, a.status, a.statusCode])).toEqual([
        [1, 'failed', 500],
        [2, 'failed', 500],
        [3, 'delivered', 204],
      ]);
    } finally {
      await h.close();
      await receiver.close();
    }
  });

  it('a receiver with another secret rejects the signature', async () => {
    const receiver = await startWebhookReceiver({ secret: 'whsec_QUtFWUZPUkFOT1RIRVJSRUNFSVZFUg==' });
    const targets: WebhookTarget[] = [
      { name: 'wrong', url: receiver.url, secret, format: 'json', kinds: ['digest'] },
    ];
    const h = harness(targets, true, 'badsig');
    try {
      await enqueueDeliveries(h.queue, targets, 'digest_badsig', event);
      // 401 is permanent: logged once as final, not retried.
      await until(async () => (await deliveryLog('digest_badsig')).length > 0, 'the failed attempt');
      expect(receiver.rejected).toHaveLength(1);
      expect(receiver.received).toHaveLength(0);
      expect((await deliveryLog('digest_badsig')).map((d) => d.statusCode)).toEqual([401]);
    } finally {
      await h.close();
      await receiver.close();
    }
  });

  it('refuses a loopback target unless private targets are allowed (SSRF)', async () => {
    const receiver = await startWebhookReceiver({ secret });
    const targets: WebhookTarget[] = [
      {
        name: 'loop',
        url: receiver.url.replace('127.0.0.1', 'localhost'),
        secret,
        format: 'slack',
        kinds: ['digest'],
      },
    ];
    const h = harness(targets, false, 'ssrf');
    try {
      await enqueueDeliveries(h.queue, targets, 'digest_ssrf', event);
      await until(async () => (await deliveryLog('digest_ssrf')).length > 0, 'the refusal');
      expect((await deliveryLog('digest_ssrf')).map((d) => d.status)).toEqual(['refused']);
      expect(receiver.requests).toBe(0);
    } finally {
      await h.close();
      await receiver.close();
    }
  });

  it('classifies addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ]) {
      expect(isNonPublicAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '2a00:1450:4001:80b::200e'])
      expect(isNonPublicAddress(a), a).toBe(false);
  });
});
