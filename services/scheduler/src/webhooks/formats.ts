// One event, three shapes: our versioned JSON, a Slack/Mattermost incoming-webhook message, and a
// Telegram Bot API sendMessage call. Slack and Telegram cannot check signatures, so they get text.
import type { WebhookTarget } from '../config.ts';
import type { AlertEvent, DigestEvent, TrendEvent, WebhookEvent } from './events.ts';

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function alertLines(event: AlertEvent): { title: string; lines: string[]; links: string[] } {
  const a = event.data;
  const scope = a.channelId ? ` in channel ${a.channelId}` : '';
  const flood = a.kind === 'narrative.flood';
  const what = {
    'alert.opened': flood ? 'Flood' : 'Spike',
    'alert.updated': flood ? 'Flood growing' : 'Spike growing',
    'alert.resolved': flood ? 'Flood over' : 'Spike over',
  }[event.type];
  const title = `${what}: ${a.title ?? a.narrative}${scope}`;
  const pct = (x: number | undefined) => (x === undefined ? '?' : `${Math.round(x * 100)}%`);
  const when = a.local
    ? `${a.local.windowStart} – ${a.local.windowEnd} (${a.local.timeZone}; UTC ${a.windowStart} – ${a.windowEnd})`
    : `${a.windowStart} – ${a.windowEnd} UTC`;
  const lines = [
    `${a.observed} posts ${when}; expected ${num(a.expected)} (×${num(a.ratio)}, score ${num(a.score)})`,
    ...(a.baseline ? [`Expected from ${a.baseline}`] : []),
    ...(a.distinctChannels !== undefined
      ? [
          `${a.distinctChannels} channel(s), top channel ${pct(a.topChannelShare)} of posts; ` +
            `${a.distinctTexts ?? '?'} distinct text(s), largest copy group ${pct(a.topTextShare)}` +
            (flood ? ' — one source or one copied text drives it' : ''),
        ]
      : []),
    `Top channels: ${a.topChannels.map((c) => `${c.username ? `@${c.username}` : c.id} (${c.count})`).join(', ') || '—'}`,
    `Signals: ${
      a.evidence
        .slice(0, 5)
        .map((e) => `${e.term} (${e.count})`)
        .join(', ') || '—'
    }`,
  ];
  const links = [...(a.postsQuery ? [a.postsQuery] : []), ...a.topPosts.slice(0, 5).map((p) => p.url)];
  return { title, lines, links };
}

function digestLines(event: DigestEvent): { title: string; lines: string[]; links: string[] } {
  const d = event.data;
  const title = `Daily digest ${d.date} (${d.timeZone}): ${d.totalPosts} posts`;
  const lines = d.narratives
    .slice(0, 10)
    .map(
      (n) =>
        `${n.narrative}: ${n.count} (7-day average ${num(n.average7d)}${n.ratio === null ? '' : `, ×${num(n.ratio)}`})`,
    );
  if (d.alerts.length > 0)
    lines.push(`Alerts: ${d.alerts.map((a) => `${a.narrative} (${a.observed})`).join(', ')}`);
  if (d.mostForwarded && d.mostForwarded.length > 0)
    lines.push(
      `Most forwarded: ${d.mostForwarded
        .slice(0, 3)
        .map((p) => `${p.channel} (${p.forwards})`)
        .join(', ')}`,
    );
  if (d.newForwardSources.length > 0)
    lines.push(`New forward sources: ${d.newForwardSources.slice(0, 10).join(', ')}`);
  return { title, lines, links: d.topPosts.slice(0, 5).map((p) => p.url) };
}

function trendLines(event: TrendEvent): { title: string; lines: string[]; links: string[] } {
  const t = event.data;
  const title = `Rising: ${t.title ?? t.narrative}, ×${num(t.ratio)} an ordinary week`;
  const lines = [
    `${t.observed} posts ${t.local.weekStart} – ${t.local.weekEnd} (${t.timeZone}; UTC ${t.weekStart} – ${t.weekEnd}); ` +
      `the week before ${t.previousWeek}, an ordinary week ${num(t.expected)} (score ${num(t.score)})`,
    `Per day: ${t.daily
      .slice(-7)
      .map((d) => d.count)
      .join(' ')}`,
    `${t.distinctChannels} channel(s), top channel ${Math.round(t.topChannelShare * 100)}% of posts; ${t.distinctTexts} distinct text(s)`,
    `Top channels: ${t.topChannels.map((c) => `${c.username ? `@${c.username}` : c.id} (${c.count})`).join(', ') || '—'}`,
  ];
  return { title, lines, links: [t.postsQuery, ...t.topPosts.slice(0, 3).map((p) => p.url)] };
}

function describe(event: WebhookEvent) {
  if (event.type === 'digest.daily') return digestLines(event);
  if (event.type === 'narrative.trend') return trendLines(event);
  return alertLines(event);
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The request body for a target, as the exact string that is signed and sent. */
export function formatBody(target: WebhookTarget, event: WebhookEvent): string {
  if (target.format === 'json') return JSON.stringify(event);
  const { title, lines, links } = describe(event);
  if (target.format === 'slack') {
    const text = [`*${title}*`, ...lines, ...links.map((l) => `• <${l}>`)].join('\n');
    return JSON.stringify({
      text,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
        { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) } },
        ...(links.length > 0
          ? [{ type: 'section', text: { type: 'mrkdwn', text: links.map((l) => `• <${l}>`).join('\n') } }]
          : []),
      ],
    });
  }
  const text = [`<b>${escapeHtml(title)}</b>`, ...lines.map(escapeHtml), ...links.map(escapeHtml)].join('\n');
  return JSON.stringify({
    chat_id: target.chatId,
    text: text.slice(0, 4096),
    parse_mode: 'HTML',
    disable_web_page_preview: true,
  });
}
