// The digest as Markdown, as HTML that stands alone in a mail client (inline styles, the chart as
// an embedded image, no scripts, no external resources) and as JSON.
import { renderChartSvg } from './chart.ts';
import { digestSpan, digestTime, postLinkText } from './digest-time.ts';
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

/** A cell that links: short text, the URL only behind it (a full URL as text runs off a phone screen). */
type Table = {
  title: string;
  head: string[];
  rows: { cells: string[]; link?: { col: number; url: string } }[];
  /** Post lists: in HTML one entry per post (its facts on a line, its text below), not a wide table. */
  list?: true;
};

function tables(d: Digest): Table[] {
  const time = (iso: string) => digestTime(iso, d.timeZone, d.date);
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
      list: true,
      head: ['Post', 'Channel', 'Posted', 'Views', 'Narratives', 'Text'],
      rows: d.topPosts.map((p) => ({
        cells: [
          postLinkText(p.url),
          p.channel,
          time(p.postedAt),
          p.views === undefined ? '' : String(p.views),
          p.narratives.join(', '),
          p.text.slice(0, 140),
        ],
        link: { col: 0, url: p.url },
      })),
    },
    {
      title: 'Most forwarded',
      list: true,
      head: ['Post', 'Channel', 'Posted', 'Forwards', 'Narratives', 'Text'],
      rows: d.mostForwarded.map((p) => ({
        cells: [
          postLinkText(p.url),
          p.channel,
          time(p.postedAt),
          String(p.forwards),
          p.narratives.join(', '),
          p.text.slice(0, 140),
        ],
        link: { col: 0, url: p.url },
      })),
    },
    {
      title: 'New channels seen in forwards',
      head: ['Source', 'Forwards that day', 'First seen'],
      rows: d.newForwardSources.map((s) => ({ cells: [s.source, String(s.posts), time(s.firstSeen)] })),
    },
    {
      title: 'Copy-paste clusters',
      list: true,
      head: ['Posts', 'Channels', 'First post', 'Posted', 'Text'],
      rows: d.clusters.map((c) => ({
        cells: [
          String(c.posts),
          String(c.channels.length),
          postLinkText(c.url),
          time(c.postedAt),
          c.text.slice(0, 140),
        ],
        link: { col: 2, url: c.url },
      })),
    },
    {
      title: 'Alerts of the day',
      head: ['Narrative', 'Window', 'Observed', 'Expected', 'Status'],
      rows: d.alerts.map((a) => ({
        cells: [
          a.narrative,
          digestSpan(a.windowStart, a.windowEnd, d.timeZone, d.date),
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
    `${d.totalPosts} posts, ${d.taggedPosts} carrying a narrative, on ${d.date} in ${d.timeZone} (${span(d)}).`,
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
        row.link?.col === i ? `[${md(c)}](${safeUrl(row.link.url)})` : md(c),
      );
      out.push(`| ${cells.join(' | ')} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** The day in UTC: what the day boundary is in the posts' own times. */
const span = (d: Digest) =>
  `UTC ${d.from.slice(0, 16).replace('T', ' ')} – ${d.to.slice(0, 16).replace('T', ' ')}`;

// Long words (a URL in a post's text, a long narrative id) wrap where they must, so the page fits a
// 390 px phone screen instead of scrolling sideways.
const cell =
  'padding:4px 6px;border-bottom:1px solid #e2e2e2;text-align:left;vertical-align:top;overflow-wrap:break-word;word-break:break-word;';

const link = (url: string, text: string) =>
  `<a href="${html(safeUrl(url))}" style="color:#1a5fb4;">${html(text)}</a>`;

function tableHtml(t: Table): string {
  return `<table data-section="${html(t.title)}" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;margin:0 0 16px;font-size:13px;">
<thead><tr>${t.head.map((h) => `<th style="${cell}background:#f4f4f4;">${html(h)}</th>`).join('')}</tr></thead>
<tbody>${t.rows
    .map(
      (row) =>
        `<tr>${row.cells
          .map((c, i) => `<td style="${cell}">${row.link?.col === i ? link(row.link.url, c) : html(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n')}</tbody>
</table>`;
}

/** The last column is the text; the others make one line of facts (a count says what it counts). */
function listHtml(t: Table): string {
  const items = t.rows.map((row) => {
    const text = row.cells[row.cells.length - 1] ?? '';
    const facts = row.cells
      .slice(0, -1)
      .map((c, i) => {
        if (row.link?.col === i) return link(row.link.url, c);
        if (c === '') return '';
        return html(/^\d+$/.test(c) ? `${c} ${(t.head[i] ?? '').toLowerCase()}` : c);
      })
      .filter((f) => f !== '');
    return `<li style="padding:6px 0;border-bottom:1px solid #e2e2e2;overflow-wrap:anywhere;">
<div style="color:#444;">${facts.join(' · ')}</div>
<div style="margin-top:2px;">${html(text)}</div>
</li>`;
  });
  return `<ul data-section="${html(t.title)}" style="list-style:none;margin:0 0 16px;padding:0;font-size:13px;">
${items.join('\n')}
</ul>`;
}

function htmlDocument(d: Digest, chartSvg: string): string {
  const chart = `data:image/svg+xml;base64,${Buffer.from(chartSvg).toString('base64')}`;
  const sections = tables(d).map((t) => {
    const body =
      t.rows.length === 0
        ? '<p style="color:#666;margin:4px 0 16px;">None.</p>'
        : t.list
          ? listHtml(t)
          : tableHtml(t);
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
<p style="margin:0 0 12px;color:#444;">${d.totalPosts} posts, ${d.taggedPosts} carrying a narrative, on ${html(d.date)} in ${html(d.timeZone)} (${html(span(d))}). Times are local, UTC beside them.</p>
<img id="chart" src="${chart}" width="720" height="320" alt="Posts per narrative, last 7 days" style="display:block;max-width:100%;height:auto;border:1px solid #e2e2e2;">
${sections.join('\n')}
<p style="color:#888;font-size:11px;margin-top:24px;">Generated ${html(digestTime(d.generatedAt, d.timeZone, d.date))} by channelwatch.</p>
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
