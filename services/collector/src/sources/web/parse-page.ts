import { findAll, findOne, getAttributeValue, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';

// The public web preview https://t.me/s/<channel>, parsed with a real HTML parser. Pure: HTML in,
// messages out; fetching and pacing live in web-source.ts.

type Element = NonNullable<ReturnType<typeof findOne>>;
type Node = Element['children'][number];

export type MediaKind = 'photo' | 'video' | 'document' | 'audio' | 'voice' | 'poll' | 'webpage' | 'other';

export type WebMessage = {
  username: string;
  messageId: number;
  /** Marked channel id ("-100…") from the block's data-view, when present. */
  channelId?: string;
  channelTitle?: string;
  postedAt?: string;
  edited: boolean;
  text: string;
  links: string[];
  views?: number;
  author?: string;
  forward?: { fromName?: string; fromUsername?: string; fromMessageId?: number };
  media: { kind: MediaKind }[];
  replyTo?: number;
  /** What a poll asks and offers, and a document's title: searched and tagged like text. */
  attachedText?: string;
};

export type WebPage = {
  messages: WebMessage[];
  /** The `before` value of the link to older messages, when there are older messages. */
  before?: number;
};

const hasClass = (name: string) => (el: Element) =>
  (getAttributeValue(el, 'class') ?? '').split(/\s+/).includes(name);

function first(root: Element, name: string): Element | undefined {
  return findOne(hasClass(name), root.children, true) ?? undefined;
}

// Media markers of the preview, most specific first (a voice note is also a document block).
const MEDIA: [string, MediaKind][] = [
  ['tgme_widget_message_voice', 'voice'],
  ['tgme_widget_message_poll', 'poll'],
  ['tgme_widget_message_video_player', 'video'],
  ['tgme_widget_message_roundvideo_player', 'video'],
  ['tgme_widget_message_photo_wrap', 'photo'],
  ['tgme_widget_message_document_wrap', 'document'],
  ['tgme_widget_message_sticker_wrap', 'other'],
  ['tgme_widget_message_location_wrap', 'other'],
  ['tgme_widget_message_link_preview', 'webpage'],
];

export function parsePage(html: string): WebPage {
  const doc = parseDocument(html);
  const blocks = findAll(
    (el) => hasClass('tgme_widget_message')(el) && el.attribs['data-post'] !== undefined,
    doc,
  );
  const messages: WebMessage[] = [];
  for (const block of blocks) {
    if (hasClass('service_message')(block)) continue;
    const message = parseMessage(block);
    if (message) messages.push(message);
  }
  messages.sort((a, b) => a.messageId - b.messageId);
  const more = findOne(
    (el) => hasClass('tme_messages_more')(el) && el.attribs['data-before'] !== undefined,
    doc,
  );
  const before = Number(more?.attribs['data-before']);
  return Number.isInteger(before) && before > 0 ? { messages, before } : { messages };
}

function parseMessage(block: Element): WebMessage | undefined {
  const [username, id] = (block.attribs['data-post'] ?? '').split('/');
  const messageId = Number(id);
  if (!username || !Number.isInteger(messageId) || messageId <= 0) return undefined;
  const message: WebMessage = { username, messageId, edited: false, text: '', links: [], media: [] };

  const channelId = channelIdFromView(block.attribs['data-view']);
  if (channelId) message.channelId = channelId;
  const owner = first(block, 'tgme_widget_message_owner_name');
  if (owner) message.channelTitle = clean(textContent(owner));

  const date = first(block, 'tgme_widget_message_date');
  const time = date && findOne((el) => el.name === 'time', date.children, true);
  const datetime = time?.attribs['datetime'];
  if (datetime && !Number.isNaN(Date.parse(datetime))) message.postedAt = new Date(datetime).toISOString();
  const meta = first(block, 'tgme_widget_message_meta');
  message.edited = meta ? /\bedited\b/.test(textContent(meta)) : false;

  // The message's own text: not the quoted text of the message it replies to.
  const reply = first(block, 'tgme_widget_message_reply');
  const textEl = findOne(
    (el) => hasClass('tgme_widget_message_text')(el) && !(reply && isInside(el, reply)),
    block.children,
    true,
  );
  if (textEl) {
    message.text = renderText(textEl).trim();
    message.links = [
      ...new Set(
        findAll((el) => el.name === 'a', textEl.children)
          .map((a) => a.attribs['href'])
          .filter((href): href is string => !!href && /^https?:\/\//.test(href)),
      ),
    ];
  }
  if (reply) {
    const replyId = postIdFromHref(reply.attribs['href']);
    if (replyId) message.replyTo = replyId.messageId;
  }

  const views = first(block, 'tgme_widget_message_views');
  const count = views ? parseCount(textContent(views)) : undefined;
  if (count !== undefined) message.views = count;
  const author = first(block, 'tgme_widget_message_from_author');
  if (author) message.author = clean(textContent(author));

  const forwarded = first(block, 'tgme_widget_message_forwarded_from_name');
  if (forwarded) {
    const from = postIdFromHref(forwarded.attribs['href']);
    message.forward = { fromName: clean(textContent(forwarded)) };
    if (from) {
      message.forward.fromUsername = from.username;
      if (from.messageId) message.forward.fromMessageId = from.messageId;
    }
  }

  const outside = (el: Element) => !(reply && isInside(el, reply));
  const question = findAll(hasClass('tgme_widget_message_poll_question'), block.children).filter(outside)[0];
  const attached: string[] = [];
  if (question) {
    attached.push(clean(textContent(question)));
    for (const option of findAll(hasClass('tgme_widget_message_poll_option_text'), block.children).filter(
      outside,
    )) {
      attached.push(`- ${clean(textContent(option))}`);
    }
  }
  for (const title of findAll(hasClass('tgme_widget_message_document_title'), block.children).filter(
    outside,
  )) {
    const name = clean(textContent(title));
    if (name) attached.push(name);
  }
  if (attached.length > 0) message.attachedText = attached.join('\n');

  for (const [marker, kind] of MEDIA) {
    const found = findAll(hasClass(marker), block.children).filter((el) => !(reply && isInside(el, reply)));
    for (const _ of found) message.media.push({ kind });
  }
  return message;
}

/** "2", "4.2K", "1.3M" → a number of views. */
export function parseCount(raw: string): number | undefined {
  const match = /^([\d.,]+)\s*([KMB])?$/i.exec(raw.trim());
  if (!match?.[1]) return undefined;
  const base = Number(match[1].replace(',', '.'));
  if (Number.isNaN(base)) return undefined;
  const factor = { K: 1e3, M: 1e6, B: 1e9 }[(match[2] ?? '').toUpperCase() as 'K' | 'M' | 'B'] ?? 1;
  return Math.round(base * factor);
}

function channelIdFromView(view: string | undefined): string | undefined {
  if (!view) return undefined;
  try {
    const data = JSON.parse(Buffer.from(view, 'base64url').toString('utf8')) as { c?: unknown };
    if (typeof data.c !== 'number' || !Number.isInteger(data.c)) return undefined;
    return `-100${Math.abs(data.c)}`;
  } catch {
    return undefined;
  }
}

function postIdFromHref(href: string | undefined): { username: string; messageId?: number } | undefined {
  const match = href && /^https?:\/\/t\.me\/(?:s\/)?([A-Za-z][A-Za-z0-9_]{3,31})(?:\/(\d+))?/.exec(href);
  if (!match?.[1]) return undefined;
  return match[2] ? { username: match[1], messageId: Number(match[2]) } : { username: match[1] };
}

function isInside(el: Element, ancestor: Element): boolean {
  for (let node: Element['parent'] = el; node; node = node.parent) if (node === ancestor) return true;
  return false;
}

function renderText(node: Node): string {
  if (node.type === 'text') return (node as { data: string }).data;
  if ('name' in node && node.name === 'br') return '\n';
  if ('children' in node) return (node.children as Node[]).map(renderText).join('');
  return '';
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
