// One HTTP attempt of one delivery: sign per Standard Webhooks, POST with a timeout, report the status.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import { checkLiteralHost, guardedLookup } from './ssrf.ts';

export type SendResult = { statusCode: number; body: string };

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
  return new Promise<SendResult>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(options.allowPrivate) as never,
        timeout: options.timeoutMs,
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
          resolve({
            statusCode: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8').slice(0, 1000),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
