import type { CollectedPostInput } from '@cw/domain';
import { Api, markedChannelId } from './adapter.ts';

// gramjs Api.Message → collected post. Pure: everything it needs comes in as arguments.

export type ChannelInfo = { id: string; username?: string; title?: string };

export type MappingContext = {
  channel: ChannelInfo;
  collectedAt: string;
  /** Channels named in the same response (for the username of a forward's origin). */
  chats?: ReadonlyMap<string, ChannelInfo>;
};

type MediaKind = NonNullable<CollectedPostInput['media']>[number]['kind'];

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/** Channel infos by marked id from the `chats` of a gramjs response. */
export function chatsById(chats: readonly Api.TypeChat[]): Map<string, ChannelInfo> {
  const byId = new Map<string, ChannelInfo>();
  for (const chat of chats) {
    if (!(chat instanceof Api.Channel)) continue;
    const id = markedChannelId(chat.id);
    byId.set(id, { id, title: chat.title, ...(chat.username ? { username: chat.username } : {}) });
  }
  return byId;
}

export function mediaKind(media: Api.TypeMessageMedia | undefined): MediaKind | undefined {
  if (!media || media instanceof Api.MessageMediaEmpty) return undefined;
  if (media instanceof Api.MessageMediaPhoto) return 'photo';
  if (media instanceof Api.MessageMediaPoll) return 'poll';
  if (media instanceof Api.MessageMediaWebPage) return 'webpage';
  if (media instanceof Api.MessageMediaDocument) {
    const document = media.document;
    if (!(document instanceof Api.Document)) return 'document';
    for (const attribute of document.attributes) {
      if (attribute instanceof Api.DocumentAttributeAudio) return attribute.voice ? 'voice' : 'audio';
      if (attribute instanceof Api.DocumentAttributeVideo) return 'video';
      if (attribute instanceof Api.DocumentAttributeSticker) return 'other';
    }
    return 'document';
  }
  return 'other';
}

/** URLs in the text and behind text links; offsets are UTF-16 units, like JavaScript strings. */
export function messageLinks(text: string, entities: readonly Api.TypeMessageEntity[] | undefined): string[] {
  const links: string[] = [];
  for (const entity of entities ?? []) {
    if (entity instanceof Api.MessageEntityTextUrl) links.push(entity.url);
    else if (entity instanceof Api.MessageEntityUrl) {
      const url = text.slice(entity.offset, entity.offset + entity.length);
      links.push(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`);
    }
  }
  return [...new Set(links)];
}

function reactionKey(reaction: Api.TypeReaction): string {
  if (reaction instanceof Api.ReactionEmoji) return reaction.emoticon;
  if (reaction instanceof Api.ReactionCustomEmoji) return `custom:${reaction.documentId.toString()}`;
  if (reaction instanceof Api.ReactionPaid) return 'paid';
  return 'other';
}

/** Reactions as the post keeps them: the total and the count per emoji (custom ones by id). */
export function reactionsSummary(reactions: Api.MessageReactions): {
  total: number;
  byEmoji: Record<string, number>;
} {
  const byEmoji: Record<string, number> = {};
  let total = 0;
  for (const result of reactions.results) {
    const key = reactionKey(result.reaction);
    byEmoji[key] = (byEmoji[key] ?? 0) + result.count;
    total += result.count;
  }
  return { total, byEmoji };
}

function forwardOrigin(
  fwd: Api.MessageFwdHeader,
  chats: ReadonlyMap<string, ChannelInfo> | undefined,
): NonNullable<CollectedPostInput['forward']> {
  const forward: NonNullable<CollectedPostInput['forward']> = { postedAt: iso(fwd.date) };
  if (fwd.fromId instanceof Api.PeerChannel) {
    const id = markedChannelId(fwd.fromId.channelId);
    forward.fromChannelId = id;
    const known = chats?.get(id);
    if (known?.username) forward.fromUsername = known.username;
    if (known?.title) forward.fromName = known.title;
  }
  if (fwd.fromName) forward.fromName = fwd.fromName;
  if (fwd.channelPost) forward.fromMessageId = fwd.channelPost;
  return forward;
}

/** What a poll asks and offers, and a document's file name, as text (searched and tagged). */
export function attachedText(media: Api.TypeMessageMedia | undefined): string {
  if (media instanceof Api.MessageMediaPoll) {
    const poll = media.poll;
    const answers = poll.answers.map((a) => `- ${a.text.text}`);
    return [poll.question.text, ...answers].filter(Boolean).join('\n');
  }
  if (media instanceof Api.MessageMediaDocument && media.document instanceof Api.Document) {
    for (const attribute of media.document.attributes) {
      if (attribute instanceof Api.DocumentAttributeFilename) return attribute.fileName;
    }
  }
  return '';
}

/** undefined for service messages and empty ones: they are not posts. */
export function mapMessage(message: Api.TypeMessage, ctx: MappingContext): CollectedPostInput | undefined {
  if (!(message instanceof Api.Message)) return undefined;
  const text = message.message ?? '';
  const channel: CollectedPostInput['channel'] = { id: ctx.channel.id };
  if (ctx.channel.username) channel.username = ctx.channel.username;
  if (ctx.channel.title) channel.title = ctx.channel.title;
  const kind = mediaKind(message.media);
  const post: CollectedPostInput = {
    channel,
    messageId: message.id,
    postedAt: iso(message.date),
    collectedAt: ctx.collectedAt,
    text: [text, attachedText(message.media)].filter(Boolean).join('\n\n'),
    media: kind ? [{ kind }] : [],
    metrics: {},
    source: 'telegram',
  };
  if (message.editDate && !message.editHide) post.editedAt = iso(message.editDate);
  const links = messageLinks(text, message.entities);
  if (links.length > 0) post.links = links;
  if (message.groupedId) post.groupedId = message.groupedId.toString();
  if (message.fwdFrom) post.forward = forwardOrigin(message.fwdFrom, ctx.chats);
  if (message.replyTo instanceof Api.MessageReplyHeader && message.replyTo.replyToMsgId) {
    post.replyTo = message.replyTo.replyToMsgId;
  }
  if (message.postAuthor) post.author = message.postAuthor;
  const metrics: CollectedPostInput['metrics'] = {};
  if (typeof message.views === 'number') metrics.views = message.views;
  if (typeof message.forwards === 'number') metrics.forwards = message.forwards;
  if (message.replies) metrics.replies = message.replies.replies;
  if (message.reactions) metrics.reactions = reactionsSummary(message.reactions);
  post.metrics = metrics;
  return post;
}

/**
 * How one response's messages become posts (history pages and channel differences alike): the
 * channel named as the response's chats name it, else as the registry has it, and forwards' origins
 * named from the same chats. Service and empty messages are left out.
 */
export function responseMapping(
  channelId: string,
  entry: { username: string; title?: string | undefined },
  chatList: readonly Api.TypeChat[],
  collectedAt: string,
): { channel: ChannelInfo; posts: (messages: readonly Api.TypeMessage[]) => CollectedPostInput[] } {
  const chats = chatsById(chatList);
  const known = chats.get(channelId);
  const title = known?.title ?? entry.title;
  const channel: ChannelInfo = {
    id: channelId,
    username: known?.username ?? entry.username,
    ...(title ? { title } : {}),
  };
  return {
    channel,
    posts: (messages) => messages.flatMap((m) => mapMessage(m, { channel, collectedAt, chats }) ?? []),
  };
}
