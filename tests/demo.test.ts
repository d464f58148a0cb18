import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliConfig } from '../services/cli/src/config.ts';
import { runDemo } from '../services/cli/src/demo/run-demo.ts';
import { isolatedServers } from './support/servers.ts';
import { testTempDir } from './support/temp-dir.ts';

// The demo end to end on a smaller sample, non-interactively, checked against the generator's truth.
// Its indices and queue keys carry the file's prefix and are removed when the file ends.
const ctx = isolatedServers();

describe('cw demo', () => {
  it('indexes the sample exactly, fires the spike once with a valid signature, finds the campaign, writes the digest', async () => {
    const { redisUrl, esUrl, prefix } = ctx;
    const cacheDir = testTempDir('demo');
    const config = cliConfig({
      CW_REDIS_URL: redisUrl,
      CW_ES_URL: esUrl,
      CW_INDEX_PREFIX: prefix,
      CW_CACHE_DIR: cacheDir,
    });
    const sink = { write: () => true } as unknown as NodeJS.WritableStream;
    const demo = await runDemo(
      config,
      { serve: true, days: 10, channels: 20, pipelinePort: 19_301, apiPort: 19_302, logLevel: 'silent' },
      sink,
    );
    try {
      const { report } = demo;
      expect(report.posts).toBe(report.expectedPosts);
      expect(report.byLanguage).toEqual(report.expectedByLanguage);
      expect(report.byNarrative).toEqual(report.expectedByNarrative);
      // …with the trained classifier beside the rules, on every post.
      expect(Object.keys(report.byTagger)).toEqual([
        expect.stringMatching(/^rules-[0-9a-f]{8}\+e5-small-int8-g2-L12-T64\//),
      ]);
      expect(report.rejects).toBe(0);
      // Every deletion lands, also one that reaches Elasticsearch before its post's creation.
      expect(report.deleted).toBe(report.expectedDeleted);

      expect(report.alerts.map((a) => a.narrative)).toEqual([report.spikeTruth.narrative]);
      expect(report.alerts[0]?.windowEnd).toBe(report.spikeTruth.windowEnd);
      expect(report.webhook).toMatchObject({ received: 1, rejected: 0 });
      const delivered = demo.receiver.received[0]?.payload as { type: string; data: { narrative: string } };
      expect(delivered.data.narrative).toBe(report.spikeTruth.narrative);

      const campaign = report.clusters.find((c) =>
        report.campaignTruth.channels.every((ch) => c.channels.includes(ch)),
      );
      expect(campaign, JSON.stringify(report.clusters)).toBeDefined();
      expect(campaign?.first).toBe(report.campaignTruth.firstChannel);

      // The workbench link carries a one-time token, not the key, and the page trades it once.
      const link = new URL(report.workbenchUrl ?? '');
      expect(link.href).not.toContain(demo.apiKey);
      const token = /^#signin=(.+)$/.exec(link.hash)?.[1];
      const trade = () =>
        fetch(`${link.origin}/v1/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token }),
        });
      expect((await trade()).status).toBe(201);
      expect((await trade()).status).toBe(401);
      expect((await fetch(`${link.origin}/`)).headers.get('content-security-policy')).toContain(
        "script-src 'self'",
      );

      expect(existsSync(report.digest.html)).toBe(true);
      expect(readFileSync(report.digest.markdown, 'utf8')).toContain(report.spikeTruth.narrative);
    } finally {
      await demo.api?.close();
      await demo.shutdown();
    }
  }, 180_000);
});
