// A tiny webhook receiver for tests and the demo: verifies each request's signature with the
// `standardwebhooks` package (as a real receiver would), treats webhook-id as an idempotency key,
// and records what it accepted. `failFirst` makes it answer 500 to its first N requests; `respond`
// chooses any other answer per request; `stop()`/`start()` take it down and back on the same port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type ReceivedWebhook = {
  id: string;
  timestamp: string;
  signature: string;
  payload: unknown;
  body: string;
};

export async function startWebhookReceiver(options: {
  port?: number;
  secret: string;
  failFirst?: number;
  host?: string;
  /** An answer other than the usual for request number `n` (1-based), e.g. a 429 or a redirect. */
  respond?: (n: number) => { status: number; headers?: Record<string, string>; body?: string } | undefined;
}) {
  const verifier = new Webhook(options.secret);
  const received: ReceivedWebhook[] = [];
  const rejected: { reason: string }[] = [];
  const seen = new Set<string>();
  let requests = 0;
  /** The webhook-id of every request that reached the receiver, accepted or not. */
  const attemptIds: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      attemptIds.push(String(req.headers['webhook-id'] ?? ''));
      if (requests <= (options.failFirst ?? 0)) {
        res.writeHead(500).end('try again');
        return;
      }
      const special = options.respond?.(requests);
      if (special) {
        res.writeHead(special.status, special.headers).end(special.body ?? '');
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
        received.push({
          id: headers['webhook-id'],
          timestamp: headers['webhook-timestamp'],
          signature: headers['webhook-signature'],
          payload,
          body,
        });
      }
      res.writeHead(204).end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    port,
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    rejected,
    attemptIds,
    get requests() {
      return requests;
    },
    get listening() {
      return server.listening;
    },
    close,
    /** Down: connections are refused, as when a receiver's host is off. */
    stop: close,
    /** Back up on the same port. */
    start: () => new Promise<void>((resolve) => server.listen(port, host, resolve)),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
