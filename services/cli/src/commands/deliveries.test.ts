// `cw digest --deliver`, `cw deliveries list|retry` and `cw alerts trends` as an operator runs them, against the test
// run's Redis and Elasticsearch and real local receivers that verify signatures; the scheduler's
// drain (what `cw run scheduler` does every few seconds) is called directly between commands.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drainOutbox, startWebhookReceiver, type WebhookReceiver } from '@cw/scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../../../tests/support/command-io.ts';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import {
  loadPosts,
  post,
  TEST_SECRET,
  testDeliveries,
  testTarget,
} from '../../../scheduler/src/test-fixtures.ts';
import { run as alerts } from './alerts.ts';
import { run as deliveries } from './deliveries.ts';
import { run as digest } from './digest.ts';

const ctx = isolatedServers();
const DATE = '2026-11-05';
const MESSAGE = `digest_${DATE}`;
let soc: WebhookReceiver;
let gone: WebhookReceiver;
/** The second receiver answers 410 Gone until the test "fixes" it. */
let goneAnswers = 410;
let dir: string;
const saved: Record<string, string | undefined> = {};
const targets = () => [
  testTarget(soc.url, { name: 'soc' }),
  testTarget(gone.url, { name: 'gone', kinds: ['digest'] }),
];
const drain = () =>
  drainOutbox(
    testDeliveries(
      { es: ctx.es, prefix: ctx.prefix, store: { redis: ctx.redis, prefix: ctx.prefix } },
      targets(),
    ),
    new Date(),
  );

async function cw(command: typeof digest, args: string[]) {
  const capture = captureIo('');
  const code = await command(args, capture.io);
  return { code, out: capture.out(), err: capture.err() };
}

beforeAll(async () => {
  soc = await startWebhookReceiver({ secret: TEST_SECRET });
  gone = await startWebhookReceiver({
    secret: TEST_SECRET,
    respond: () => (goneAnswers === 410 ? { status: 410, body: 'this hook was removed' } : undefined),
  });
  dir = await mkdtemp(join(tmpdir(), 'cw-cli-digest-'));
  const env = {
    CW_INDEX_PREFIX: ctx.prefix,
    CW_QUEUE_PREFIX: ctx.prefix,
    CW_WEBHOOKS: JSON.stringify(targets()),
    CW_WEBHOOK_ALLOW_PRIVATE: 'true',
    CW_DIGEST_TZ: 'Asia/Almaty',
  };
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  // A few posts on the digest day (Almaty) so the digest has something to say.
  const noon = Date.parse('2026-11-05T07:00:00.000Z');
  await loadPosts(
    ctx.es,
    ctx.prefix,
    [0, 1, 2].map((i) => post(new Date(noon + i * 600_000), { topic: 'grain_hoax', channel: i })),
  );
}, 120_000);

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await soc?.close();
  await gone?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('cw digest --deliver, rerun', () => {
  it('queues the digest once; a rerun says it is queued, then when it was delivered, and sends nothing again', async () => {
    const first = await cw(digest, ['--date', DATE, '--out', dir, '--deliver']);
    expect(first.code).toBe(0);
    expect(first.out).toContain(`digest ${DATE}: 3 posts`);
    expect(first.out).toContain(`${MESSAGE} → soc: queued`);
    expect(first.out).toContain(`${MESSAGE} → gone: queued`);

    // Rerun before the scheduler sent it: already waiting, not a second message.
    const waiting = await cw(digest, ['--date', DATE, '--out', dir, '--deliver']);
    expect(waiting.out).toMatch(
      new RegExp(`${MESSAGE} → soc: already queued since \\S+, 0 attempt\\(s\\) so far`),
    );

    expect(await drain()).toBe(2);
    expect(soc.received.map((r) => r.id)).toEqual([MESSAGE]);
    expect(soc.rejected).toEqual([]);

    const again = await cw(digest, ['--date', DATE, '--out', dir, '--deliver']);
    expect(again.code).toBe(0);
    const delivered = again.out.match(
      new RegExp(`${MESSAGE} → soc: already delivered at (\\S+); nothing sent again`),
    );
    expect(delivered?.[1]).toMatch(/^2\d{3}-\d\d-\d\dT/);
    expect(again.out).toContain(`${MESSAGE} → gone: delivery failed for good at`);
    expect(again.out).toContain('410: this hook was removed');
    expect(await drain()).toBe(0);
    expect(soc.requests).toBe(1);
  });
});

describe('cw deliveries list | retry', () => {
  it('lists each target’s messages with their state, attempts and last error, filtered by target and state', async () => {
    const all = await cw(deliveries, ['list']);
    expect(all.code).toBe(0);
    const lines = all.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    const gone = lines.find((l) => l.startsWith('gone')) ?? '';
    expect(gone.split(/\s+/).slice(0, 4)).toEqual(['gone', MESSAGE, 'failed', '1']);
    expect(gone).toContain('gave up');
    expect(gone).toContain('410: this hook was removed');
    expect(
      lines
        .find((l) => l.startsWith('soc'))
        ?.split(/\s+/)
        .slice(0, 4),
    ).toEqual(['soc', MESSAGE, 'delivered', '1']);
    expect((await cw(deliveries, ['list', '--state', 'failed'])).out.trim().split('\n')).toHaveLength(1);
    expect((await cw(deliveries, ['list', '--target', 'soc', '--state', 'failed'])).out).toBe(
      'no deliveries\n',
    );
  });

  it('retry sends a given-up message again with a fresh window once the receiver is fixed; retry --failed takes them all', async () => {
    goneAnswers = 204;
    const retried = await cw(deliveries, ['retry', 'gone', MESSAGE]);
    expect(retried).toMatchObject({
      code: 0,
      out: `${MESSAGE} → gone queued again with a fresh retry window\n`,
    });
    const pending = (await cw(deliveries, ['list', '--target', 'gone'])).out;
    expect(pending.split(/\s+/).slice(0, 4)).toEqual(['gone', MESSAGE, 'pending', '0']);
    expect(await drain()).toBe(1);
    expect(gone.received.map((r) => r.id)).toEqual([MESSAGE]);
    expect(gone.rejected).toEqual([]);
    // Delivered to both now: nothing failed is left to retry, and the receivers heard it once each.
    expect((await cw(deliveries, ['retry', '--failed'])).out).toBe('0 failed deliveries queued again\n');
    expect(await drain()).toBe(0);
    expect(soc.requests).toBe(1);

    // A delivered message retried on purpose is sent again with the same webhook-id (the receiver
    // acknowledges it as already seen).
    expect((await cw(deliveries, ['retry', 'soc', MESSAGE])).code).toBe(0);
    expect(await drain()).toBe(1);
    expect(soc.attemptIds).toEqual([MESSAGE, MESSAGE]);
    expect(soc.received).toHaveLength(1);
  });

  it('says what is wrong with a bad call, and exits non-zero', async () => {
    const badState = await cw(deliveries, ['list', '--state', 'sent']);
    expect(badState.code).toBe(2);
    expect(badState.err).toContain("--state expects pending, delivered or failed, got 'sent'");
    const missing = await cw(deliveries, ['retry', 'soc', 'digest_1999-01-01']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("no message 'digest_1999-01-01' in the outbox of 'soc'");
    expect((await cw(deliveries, ['resend'])).code).toBe(2);
  });
});

describe('cw alerts trends', () => {
  it('prints each narrative’s week against an ordinary one and what held a trend back', async () => {
    const result = await cw(alerts, ['trends', '--date', DATE, '--no-deliver']);
    expect(result.code).toBe(0);
    const lines = result.out.trim().split('\n');
    expect(lines[0]).toBe(`trend check for the week ending ${DATE} (Asia/Almaty)`);
    // Three posts that day and nothing before: no baseline weeks, too few posts.
    expect(
      lines
        .find((l) => l.trim().startsWith('grain_hoax'))
        ?.trim()
        .split(/\s+/)
        .slice(0, 4),
    ).toEqual(['grain_hoax', '3', '0', '3.0']);
    expect(result.out).toMatch(/quiet \(minPosts, minRatio, minScore, oneDay, generalRise\)/);
    expect(lines.at(-1)).toBe('0 trend(s)');
    const bad = await cw(alerts, ['trends', '--date', '5 Nov']);
    expect(bad).toMatchObject({ code: 2, err: "cw alerts: --date expects YYYY-MM-DD, got '5 Nov'\n" });
  });
});
