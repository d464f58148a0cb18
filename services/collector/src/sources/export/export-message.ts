import type { CollectedPostInput } from '@cw/domain';

// One message of a Telegram Desktop "Export chat history" JSON file → a collected post. Pure.

type TextPart = string | { type?: string; text?: string; href?: string };

export type ExportMessage = {
  id?: number;
  type?: string;
  date?: string;
  date_unixtime?: string;
  edited?: string;
  edited_unixtime?: string;
  author?: string;
  forwarded_from?: string;
  reply_to_message_id?: number;
  photo?: string;
  file?: string;
  media_type?: string;
  poll?: unknown;
  location_information?: unknown;
  contact_information?: unknown;
  text?: string | TextPart[];
  reactions?: { type?: string; count?: number; emoji?: string }[];
};

export type ExportChannel = { id: string; username?: string; title?: string };

/** The text of a message: a plain string, or an array of strings and `{type, text, href}` parts. */
export function exportText(text: ExportMessage['text']): { text: string; links: string[] } {
  if (typeof text === 'string') return { text, links: [] };
  if (!Array.isArray(text)) return { text: '', links: [] };
  const links: string[] = [];
  let out = '';
  for (const part of text) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    out += part.text ?? '';
    if (part.type === 'text_link' && part.href) links.push(part.href);
    else if (part.type === 'link' && part.text)
      links.push(/^https?:\/\//.test(part.text) ? part.text : `http://${part.text}`);
  }
  return { text: out, links: [...new Set(links)] };
}

/** Exports write local times in `date`; `date_unixtime` (seconds, as a string) is the real instant. */
function instant(unix: string | undefined, local: string | undefined): string | undefined {
  const seconds = Number(unix);
  if (unix && Number.isFinite(seconds) && seconds > 0) return new Date(seconds * 1000).toISOString();
  if (local && !Number.isNaN(Date.parse(local))) return new Date(local).toISOString();
  return undefined;
}

function mediaKind(m: ExportMessage): CollectedPostInput['media'] {
  if (m.photo) return [{ kind: 'photo' }];
  if (m.poll) return [{ kind: 'poll' }];
  switch (m.media_type) {
    case 'video_file':
    case 'animation':
    case 'video_message':
      return [{ kind: 'video' }];
    case 'voice_message':
      return [{ kind: 'voice' }];
    case 'audio_file':
      return [{ kind: 'audio' }];
    case 'sticker':
      return [{ kind: 'other' }];
    default:
      if (m.file || m.media_type) return [{ kind: 'document' }];
      if (m.location_information || m.contact_information) return [{ kind: 'other' }];
      return [];
  }
}

/**
 * undefined for service messages (joins, pins, title changes) and for messages without a usable id or
 * date (those go on through malformedExportMessage).
 */
export function exportMessageToPost(
  m: ExportMessage,
  channel: ExportChannel,
  collectedAt: string,
): CollectedPostInput | undefined {
  if (m.type !== 'message' || typeof m.id !== 'number' || m.id <= 0) return undefined;
  const postedAt = instant(m.date_unixtime, m.date);
  if (!postedAt) return undefined;
  const { text, links } = exportText(m.text);
  const post: CollectedPostInput = {
    channel: {
      id: channel.id,
      ...(channel.username ? { username: channel.username } : {}),
      ...(channel.title ? { title: channel.title } : {}),
    },
    messageId: m.id,
    postedAt,
    collectedAt,
    text,
    media: mediaKind(m),
    metrics: {},
    source: 'export',
  };
  const editedAt = instant(m.edited_unixtime, m.edited);
  if (editedAt) post.editedAt = editedAt;
  if (links.length > 0) post.links = links;
  if (m.author) post.author = m.author;
  if (m.forwarded_from) post.forward = { fromName: m.forwarded_from };
  if (typeof m.reply_to_message_id === 'number' && m.reply_to_message_id > 0)
    post.replyTo = m.reply_to_message_id;
  if (Array.isArray(m.reactions) && m.reactions.length > 0) {
    const byEmoji: Record<string, number> = {};
    let total = 0;
    for (const r of m.reactions) {
      const count = Number(r.count ?? 0);
      total += count;
      const key = r.emoji ?? r.type ?? 'other';
      byEmoji[key] = (byEmoji[key] ?? 0) + count;
    }
    post.metrics = { reactions: { total, byEmoji } };
  }
  return post;
}

/**
 * A message without a usable id or date: sent on as it is, with its channel and source, so that the
 * pipeline files it in rejects with the reason and the raw message. Nothing in an export is dropped
 * without a trace; service messages (joins, pins) are not posts and are only counted.
 */
export function malformedExportMessage(
  m: ExportMessage,
  channel: ExportChannel,
  collectedAt: string,
): Record<string, unknown> {
  return {
    channel,
    messageId: m.id,
    postedAt: instant(m.date_unixtime, m.date) ?? m.date,
    collectedAt,
    text: exportText(m.text).text,
    source: 'export',
    exportMessage: m,
  };
}
