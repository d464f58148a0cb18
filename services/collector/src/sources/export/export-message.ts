import type { CollectedPostInput } from '@cw/domain';
import { exportInstant } from './export-time.ts';

// One message of a Telegram Desktop "Export chat history" JSON file → a collected post. Pure.
// Desktop's format changed over the years (checked against real exports, see fixtures/real/SOURCES):
// before late 2021 no `date_unixtime` (wall-clock `date` only); before 2021 numeric peer ids with the
// peer type in the high bits (a channel's id + 2^33, a basic group's + 2^32); `from_id` numeric, later
// "channel123" / "user123"; `forwarded_from_id` and `reply_to_peer_id` only in recent versions.

type TextPart = string | { type?: string; text?: string; href?: string };

export type ExportMessage = {
  id?: number;
  type?: string;
  date?: string;
  date_unixtime?: string;
  edited?: string;
  edited_unixtime?: string;
  author?: string;
  forwarded_from?: string | null;
  forwarded_from_id?: string | number;
  from?: string | null;
  reply_to_message_id?: number;
  reply_to_peer_id?: string | number;
  file_name?: string;
  title?: string;
  performer?: string;
  photo?: string;
  file?: string;
  media_type?: string;
  poll?: { question?: string; answers?: { text?: string }[] };
  location_information?: unknown;
  contact_information?: unknown;
  text?: string | TextPart[];
  reactions?: { type?: string; count?: number; emoji?: string }[];
};

export type ExportChannel = { id: string; username?: string; title?: string };

export type ExportHeader = { id?: number; name?: string; type?: string };

/** Raised for a file that cannot be imported as a whole: the CLI reports it in one line. */
export class ExportError extends Error {}

const CHANNEL_SHIFT = 2 ** 33;
const CHAT_SHIFT = 2 ** 32;
const CHANNEL_TYPES = new Set([
  'public_channel',
  'private_channel',
  'public_supergroup',
  'private_supergroup',
]);
const GROUP_TYPES = new Set(['private_group']);
const PERSONAL_TYPES = new Set(['personal_chat', 'bot_chat', 'saved_messages', 'private_chat']);

export type ExportChat = { channel: ExportChannel; kind: 'channel' | 'supergroup' | 'group' };

/**
 * The chat an export holds, with its id in the marked form the live collector uses (`-100<id>` for
 * channels and supergroups, `-<id>` for basic groups), whatever Desktop version wrote it. Personal
 * chats, bots and saved messages are refused on purpose: they are not public sources.
 */
export function exportChat(header: ExportHeader, username?: string): ExportChat {
  const type = header.type ?? '';
  if (PERSONAL_TYPES.has(type)) {
    throw new ExportError(`export: "${type}" is a personal chat; only channels and groups are imported`);
  }
  const isChannel = CHANNEL_TYPES.has(type);
  if (!isChannel && !GROUP_TYPES.has(type)) {
    throw new ExportError(
      `export: unknown chat type "${type}" (expected one of ${[...CHANNEL_TYPES, ...GROUP_TYPES].join(', ')})`,
    );
  }
  const raw = header.id;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw <= 0) {
    throw new ExportError('export: the chat has no usable numeric id');
  }
  const bare = isChannel
    ? raw >= CHANNEL_SHIFT
      ? raw - CHANNEL_SHIFT
      : raw
    : raw >= CHAT_SHIFT
      ? raw - CHAT_SHIFT
      : raw;
  const channel: ExportChannel = { id: isChannel ? `-100${bare}` : `-${bare}` };
  if (username) channel.username = username;
  if (header.name) channel.title = header.name;
  return { channel, kind: isChannel ? (type.endsWith('supergroup') ? 'supergroup' : 'channel') : 'group' };
}

/** "channel123" (or an old numeric channel peer id) → the marked channel id; users and chats → undefined. */
export function forwardedChannelId(from: string | number | undefined): string | undefined {
  if (typeof from === 'number') return from >= CHANNEL_SHIFT ? `-100${from - CHANNEL_SHIFT}` : undefined;
  const m = /^channel(\d+)$/.exec(from ?? '');
  return m ? `-100${m[1]}` : undefined;
}

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

/** A poll's question and answers as text, so that what a poll asks is searched and tagged. */
function pollText(poll: ExportMessage['poll']): string {
  if (!poll || typeof poll !== 'object') return '';
  const answers = (poll.answers ?? []).map((a) => a.text).filter((t): t is string => !!t);
  return [poll.question ?? '', ...answers.map((a) => `- ${a}`)].filter(Boolean).join('\n');
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
  chat: ExportChat,
  collectedAt: string,
  zone = 'UTC',
): CollectedPostInput | undefined {
  const channel = chat.channel;
  if (m.type !== 'message' || typeof m.id !== 'number' || m.id <= 0) return undefined;
  const postedAt = exportInstant(m.date_unixtime, m.date, zone);
  if (!postedAt) return undefined;
  const parts = exportText(m.text);
  const links = parts.links;
  const text = [parts.text, pollText(m.poll)].filter(Boolean).join('\n\n');
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
  const editedAt = exportInstant(m.edited_unixtime, m.edited, zone);
  if (editedAt) post.editedAt = editedAt;
  if (links.length > 0) post.links = links;
  // In a channel `author` is the post's signature; in a group the sender is the author.
  const author = m.author ?? (chat.kind !== 'channel' && m.from ? m.from : undefined);
  if (author) post.author = author;
  const fromChannelId = forwardedChannelId(m.forwarded_from_id);
  if (m.forwarded_from || fromChannelId) {
    post.forward = {
      ...(m.forwarded_from ? { fromName: m.forwarded_from } : {}),
      ...(fromChannelId ? { fromChannelId } : {}),
    };
  }
  // A reply to a message of another chat (`reply_to_peer_id`) is not a reply to this chat's message.
  if (
    typeof m.reply_to_message_id === 'number' &&
    m.reply_to_message_id > 0 &&
    m.reply_to_peer_id === undefined
  )
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
  zone = 'UTC',
): Record<string, unknown> {
  return {
    channel,
    messageId: m.id,
    postedAt: exportInstant(m.date_unixtime, m.date, zone) ?? m.date,
    collectedAt,
    text: exportText(m.text).text,
    source: 'export',
    exportMessage: m,
  };
}
