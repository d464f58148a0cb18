type Report = Awaited<ReturnType<typeof import('./run-demo.ts').runDemo>>['report'];

const table = (rows: Array<[string, number | string, number | string]>, head: [string, string, string]) => {
  const w0 = Math.max(head[0].length, ...rows.map((r) => String(r[0]).length));
  const line = (r: [string, number | string, number | string]) =>
    `  ${String(r[0]).padEnd(w0)}  ${String(r[1]).padStart(8)}  ${String(r[2]).padStart(8)}`;
  return [line(head), ...rows.map(line)].join('\n');
};

/** The report as a person reads it: what was indexed against what the sample data holds. */
export function formatReport(r: Report): string {
  const langs = [...new Set([...Object.keys(r.expectedByLanguage), ...Object.keys(r.byLanguage)])].sort();
  const narratives = [
    ...new Set([...Object.keys(r.expectedByNarrative), ...Object.keys(r.byNarrative)]),
  ].sort();
  const parts = [
    '',
    `channelwatch demo report (index prefix ${r.prefix})`,
    '',
    `posts indexed: ${r.posts} (sample data: ${r.expectedPosts}); edited ${r.edited}, deleted ${r.deleted} (sample data: ${r.expectedDeleted}), forwards ${r.forwards}, rejects ${r.rejects}`,
    '',
    'posts per language',
    table(
      langs.map((l) => [l, r.byLanguage[l] ?? 0, r.expectedByLanguage[l] ?? 0]),
      ['lang', 'indexed', 'expected'],
    ),
    '',
    'posts per narrative',
    table(
      narratives.map((n) => [n, r.byNarrative[n] ?? 0, r.expectedByNarrative[n] ?? 0]),
      ['narrative', 'indexed', 'expected'],
    ),
    `  tagged by: ${Object.entries(r.byTagger)
      .map(([tagger, n]) => `${tagger} (${n} posts)`)
      .join(', ')}`,
    '',
    'spike alerts',
    ...(r.alerts.length === 0
      ? ['  none']
      : r.alerts.map(
          (a) =>
            `  ${a.narrative}: ${a.observed} posts in ${a.windowStart} – ${a.windowEnd}, expected ${a.expected}, score ${a.score}`,
        )),
    `  webhook receiver: ${r.webhook.received} delivered with a valid signature, ${r.webhook.rejected} rejected`,
    '',
    'copy-paste clusters (≥ 3 channels)',
    ...(r.clusters.length === 0
      ? ['  none']
      : r.clusters.map(
          (c) =>
            `  ${c.posts} posts in ${c.channels.length} channels, first by ${c.first} at ${c.firstPostedAt}: ${c.channels.join(', ')}`,
        )),
    '',
    `top channels for ${r.spikeTruth.narrative}`,
    ...r.topChannels.map(
      (c) =>
        `  ${c.channel}: ${c.posts} posts (${(c.share * 100).toFixed(1)}% of the narrative), ${c.forwards} forwards`,
    ),
    '',
    'digest',
    ...Object.entries(r.digest).map(([kind, path]) => `  ${kind}: ${path}`),
    '',
    `elapsed (s): ${Object.entries(r.elapsedSeconds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '',
  ];
  return parts.join('\n');
}
