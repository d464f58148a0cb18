// Build, render, write to `<dir>/<date>/` and hand the summary to the webhook deliveries.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@cw/es';
import { type DigestEvent, type DigestSummary, EVENT_VERSION } from '../webhooks/events.ts';
import { buildDigest } from './build-digest.ts';
import type { Digest } from './digest-types.ts';
import { CHART_FILE, renderDigest } from './render-digest.ts';

export function digestSummary(d: Digest): DigestSummary {
  return {
    date: d.date,
    timeZone: d.timeZone,
    from: d.from,
    to: d.to,
    totalPosts: d.totalPosts,
    narratives: d.narratives.map((n) => ({
      narrative: n.narrative,
      count: n.count,
      average7d: n.average7d,
      ratio: n.ratio,
    })),
    topPosts: d.topPosts.map((p) => ({
      url: p.url,
      channel: p.channel,
      narratives: p.narratives,
      ...(p.views !== undefined ? { views: p.views } : {}),
    })),
    mostForwarded: d.mostForwarded.map((p) => ({
      url: p.url,
      channel: p.channel,
      forwards: p.forwards,
      postedAt: p.postedAt,
    })),
    alerts: d.alerts.map((a) => ({
      id: a.id,
      narrative: a.narrative,
      observed: a.observed,
      expected: a.expected,
      windowEnd: a.windowEnd,
    })),
    newForwardSources: d.newForwardSources.map((s) => s.source),
  };
}

/** Write through a temporary name: a reader never sees half a file. */
async function writeAtomic(path: string, content: string) {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}

export async function writeDigest(dir: string, digest: Digest) {
  const rendered = renderDigest(digest);
  const folder = join(dir, digest.date);
  await mkdir(folder, { recursive: true });
  const files = {
    markdown: join(folder, 'digest.md'),
    html: join(folder, 'digest.html'),
    json: join(folder, 'digest.json'),
    chart: join(folder, CHART_FILE),
  };
  await writeAtomic(files.chart, rendered.chartSvg);
  await writeAtomic(files.markdown, rendered.markdown);
  await writeAtomic(files.html, rendered.html);
  await writeAtomic(files.json, rendered.json);
  return files;
}

export async function runDigest(deps: {
  es: Client;
  prefix: string;
  date: string;
  timeZone: string;
  dir: string;
  now?: Date;
  /** Message id `digest_<date>`: a re-run for the same day is the same message to receivers. */
  notify?: (messageId: string, event: DigestEvent) => Promise<unknown>;
}) {
  const digest = await buildDigest(deps);
  const files = await writeDigest(deps.dir, digest);
  const event: DigestEvent = {
    type: 'digest.daily',
    version: EVENT_VERSION,
    timestamp: (deps.now ?? new Date()).toISOString(),
    data: digestSummary(digest),
  };
  await deps.notify?.(`digest_${digest.date}`, event);
  return { digest, files };
}
