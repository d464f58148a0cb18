// The digest as Markdown, as HTML that stands alone in a mail client (inline styles, the chart as
// an embedded image, no scripts, no external resources) and as JSON.
import { renderChartSvg } from './chart.ts';
import type { Digest } from './digest-types.ts';

export type RenderedDigest = { json: string; markdown: string; html: string; chartSvg: string };

/** The chart's file name next to digest.md, which links it. */
export const CHART_FILE = 'chart.svg';

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const ratio = (r: number | null) => (r === null ? 'new' : `×${r.toFixed(2)}`);
const pct = (n: number) => `${(n * 100).toFixed(0)}%`;

const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Markdown table cells: no pipes or line breaks from post text. */
const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
/** Only http(s) links become links: post text never injects a javascript: URL. */
const safeUrl = (u: string) => (/^https?:\/\//.test(u) ? u : '#');

type Table = {
  title: string;
  head: string[];
  rows: { cells: string[]; link?: { col: number; url: string } }[];
};

function tables(d: Digest): Table[] {
  return [
    {
      title: 'Narratives: the day against the 7-day average',
      head: ['Narrative', 'Posts', '7-day average', 'Change'],
      rows: d.narratives.map((n) => ({
        cells: [n.narrative, String(n.count), fmt(n.average7d), ratio(n.ratio)],
      })),
    },
    {
      title: 'Top channels (posts carrying a narrative)',
      head: ['Channel', 'Posts', 'Share'],
      rows: d.topChannels.map((c) => ({
        cells: [
          c.username ? `@${c.username}` : c.title ? `${c.title} (${c.id})` : c.id,
          String(c.posts),
          pct(c.share),
        ],
      })),
    },
    {
      title: 'Top posts',
      head: ['Post', 'Channel', 'Views', 'Narratives', 'Text'],
      rows: d.topPosts.map((p) => ({
        cells: [
          p.url,
          p.channel,
          p.views === undefined ? '' : String(p.views),
          p.narratives.join(', '),
          p.text.slice(0, 140),
        ],
        link: { col: 0, url: p.url },
      })),
    },
    {
      title: 'New channels seen in forwards',
      head: ['Source', 'Forwards that day', 'First seen'],
      rows: d.newForwardSources.map((s) => ({ cells: [s.source, String(s.posts), s.firstSeen] })),
    },
    {
      title: 'Copy-paste clusters',
      head: ['Posts', 'Channels', 'First post', 'Text'],
      rows: d.clusters.map((c) => ({
        cells: [String(c.posts), String(c.channels.length), c.url, c.text.slice(0, 140)],
        link: { col: 2, url: c.url },
      })),
    },
    {
      title: 'Alerts of the day',
      head: ['Narrative', 'Window', 'Observed', 'Expected', 'Status'],
      rows: d.alerts.map((a) => ({
        cells: [
          a.narrative,
          `${a.windowStart} – ${a.windowEnd}`,
          String(a.observed),
          fmt(a.expected),
          a.status,
        ],
      })),
    },
  ];
}

function markdown(d: Digest): string {
  const out = [
    `# channelwatch daily digest — ${d.date} (${d.timeZone})`,
    '',
    `${d.totalPosts} posts, ${d.taggedPosts} carrying a narrative, between ${d.from} and ${d.to}.`,
    '',
    `![Posts per narrative, last 7 days](${CHART_FILE})`,
  ];
  for (const t of tables(d)) {
    out.push('', `## ${t.title}`, '');
    if (t.rows.length === 0) {
      out.push('_None._');
      continue;
    }
    out.push(`| ${t.head.join(' | ')} |`, `|${t.head.map(() => ' --- ').join('|')}|`);
    for (const row of t.rows) {
      const cells = row.cells.map((c, i) =>
        row.link?.col === i ? `[link](${safeUrl(row.link.url)})` : md(c),
      );
      out.push(`| ${cells.join(' | ')} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

const cell = 'padding:4px 8px;border-bottom:1px solid #e2e2e2;text-align:left;vertical-align:top;';

function htmlDocument(d: Digest, chartSvg: string): string {
  const chart = `data:image/svg+xml;base64,${Buffer.from(chartSvg).toString('base64')}`;
  const sections = tables(d).map((t) => {
    const body =
      t.rows.length === 0
        ? '<p style="color:#666;margin:4px 0 16px;">None.</p>'
        : `<table data-section="${html(t.title)}" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;margin:0 0 16px;font-size:13px;">
<thead><tr>${t.head.map((h) => `<th style="${cell}background:#f4f4f4;">${html(h)}</th>`).join('')}</tr></thead>
<tbody>${t.rows
            .map(
              (row) =>
                `<tr>${row.cells
                  .map((c, i) =>
                    row.link?.col === i
                      ? `<td style="${cell}"><a href="${html(safeUrl(row.link.url))}" style="color:#1a5fb4;">${html(c)}</a></td>`
                      : `<td style="${cell}">${html(c)}</td>`,
                  )
                  .join('')}</tr>`,
            )
            .join('\n')}</tbody>
</table>`;
    return `<h2 style="font-size:16px;margin:20px 0 6px;">${html(t.title)}</h2>\n${body}`;
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>channelwatch daily digest ${html(d.date)}</title>
</head>
<body style="margin:0;padding:16px;background:#ffffff;color:#1d1d1d;font-family:Arial,Helvetica,sans-serif;">
<div style="max-width:760px;margin:0 auto;">
<h1 style="font-size:20px;margin:0 0 4px;">channelwatch daily digest — ${html(d.date)}</h1>
<p style="margin:0 0 12px;color:#444;">${d.totalPosts} posts, ${d.taggedPosts} carrying a narrative (${html(d.timeZone)}, ${html(d.from)} – ${html(d.to)}).</p>
<img id="chart" src="${chart}" width="720" height="320" alt="Posts per narrative, last 7 days" style="display:block;max-width:100%;height:auto;border:1px solid #e2e2e2;">
${sections.join('\n')}
<p style="color:#888;font-size:11px;margin-top:24px;">Generated ${html(d.generatedAt)} by channelwatch.</p>
</div>
</body>
</html>
`;
}

export function renderDigest(digest: Digest): RenderedDigest {
  const chartSvg = renderChartSvg(digest.narratives);
  return {
    json: `${JSON.stringify(digest, null, 2)}\n`,
    markdown: markdown(digest),
    html: htmlDocument(digest, chartSvg),
    chartSvg,
  };
}
