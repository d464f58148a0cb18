// One HTTP attempt of one delivery: sign per Standard Webhooks, POST with a timeout, report the status.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import { checkLiteralHost, guardedLookup } from './ssrf.ts';

export type SendResult = {
  statusCode: number;
  body: string;
  /** Where a 3xx pointed (never followed) and a 429's Retry-After, for the delivery decision. */
  location?: string;
  retryAfter?: string;
};

/** The whole attempt (connect, send, every byte of the answer) took longer than its deadline. */
export class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no complete answer within the ${ms} ms deadline of one attempt`);
    this.name = 'DeadlineError';
  }
}

/** Headers of the Standard Webhooks spec; `webhook-id` is also the receiver's idempotency key. */
export function signedHeaders(
  secret: string,
  messageId: string,
  body: string,
  at: Date,
): Record<string, string> {
  const signature = new Webhook(secret).sign(messageId, at, body);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

export async function sendSigned(
  target: { url: string; secret: string },
  messageId: string,
  body: string,
  options: { timeoutMs: number; allowPrivate: boolean; now?: () => Date },
): Promise<SendResult> {
  const url = new URL(target.url);
  checkLiteralHost(url, options.allowPrivate);
  // Signed per attempt: receivers reject stale timestamps, and a retry may come minutes later.
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'channelwatch-webhooks/1',
    ...signedHeaders(target.secret, messageId, body, options.now?.() ?? new Date()),
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  // One deadline over the whole attempt: a socket timeout only bounds idle time, so a receiver
  // trickling a byte every few seconds would hold the attempt (and a delivery slot) for ever.
  const deadline = AbortSignal.timeout(options.timeoutMs);
  return new Promise<SendResult>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      deadline.removeEventListener('abort', onDeadline);
      fn();
    };
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(options.allowPrivate) as never,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          // Keep only the start of a reply: it is for the delivery log, not for us to parse.
          if (size < 4096) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () =>
          settle(() =>
            resolve({
              statusCode: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8').slice(0, 1000),
              ...(typeof res.headers.location === 'string' ? { location: res.headers.location } : {}),
              ...(typeof res.headers['retry-after'] === 'string'
                ? { retryAfter: res.headers['retry-after'] }
                : {}),
            }),
          ),
        );
        res.on('error', (err) => settle(() => reject(err)));
        res.on('aborted', () => settle(() => reject(new Error('the receiver closed the answer early'))));
      },
    );
    function onDeadline() {
      const err = new DeadlineError(options.timeoutMs);
      settle(() => reject(err));
      req.destroy(err);
    }
    deadline.addEventListener('abort', onDeadline, { once: true });
    req.on('error', (err) => settle(() => reject(err)));
    req.end(body);
  });
}
