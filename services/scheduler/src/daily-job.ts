// The daily job: the digest of the previous local day, then the slow-rise check for the same day,
// both through the same outbox. The scheduler's `daily-digest` schedule runs it.
import type { Client } from '@cw/es';
import { runDigest } from './digest/run-digest.ts';
import { evaluateTrends } from './trends/evaluate-trends.ts';
import type { DigestEvent, TrendEvent } from './webhooks/events.ts';

export async function runDailyJob(deps: {
  es: Client;
  prefix: string;
  date: string;
  timeZone: string;
  dir: string;
  apiBaseUrl?: string;
  titles?: ReadonlyMap<string, string>;
  notify?: (messageId: string, event: DigestEvent | TrendEvent) => Promise<unknown>;
}) {
  const { files } = await runDigest(deps);
  // A trend check that fails leaves the digest written and queued; the job is retried as a whole,
  // and both message ids are deterministic, so nothing is sent twice.
  const trends = await evaluateTrends(deps);
  return { files, trends };
}
