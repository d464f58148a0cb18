// A tiny webhook receiver for tests and the demo: verifies each request's signature with the
// `standardwebhooks` package (as a real receiver would), treats webhook-id as an idempotency key,
// and records what it accepted. `failFirst` makes it answer 500 to its first N requests.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type ReceivedWebhook = { id: string; timestamp: string; payload: unknown; body: string };

export async function startWebhookReceiver(options: {
  port?: number;
  secret: string;
  failFirst?: number;
  host?: string;
}) {
  const verifier = new Webhook(options.secret);
  const received: ReceivedWebhook[] = [];
  const rejected: { reason: string }[] = [];
  const seen = new Set<string>();
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      if (requests <= (options.failFirst ?? 0)) {
        res.writeHead(500).end('try again');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      let payload: unknown;
      try {
        payload = verifier.verify(body, headers);
      } catch (err) {
        rejected.push({ reason: err instanceof Error ? err.message : String(err) });
        res.writeHead(401).end('bad signature');
        return;
      }
      // Already processed: acknowledge again without acting twice.
      if (!seen.has(headers['webhook-id'])) {
        seen.add(headers['webhook-id']);
        received.push({ id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], payload, body });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    rejected,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
