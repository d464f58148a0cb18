// The ONLY file that imports gramjs ('telegram'). gramjs is archived upstream; moving to its
// successor (teleproto) should change this file alone. Everything else sees TelegramAccount and
// the re-exported Api classes.
import { Api, errors, helpers, Logger, sessions, TelegramClient, utils } from 'telegram';
import { Raw } from 'telegram/events/Raw.js';
import { LogLevel } from 'telegram/extensions/Logger.js';
import { UpdateConnectionState } from 'telegram/network/index.js';

export { Api };

/** A gramjs `long` from an id or access hash kept as a string. */
export function toLong(value: string | number): ReturnType<typeof helpers.returnBigInt> {
  return helpers.returnBigInt(value);
}

/** The marked id of a channel ("-100" + bare id), as used in the registry and in posts. */
export function markedChannelId(channelId: { toString(): string }): string {
  return `-100${channelId.toString()}`;
}

export function bareChannelId(marked: string): string {
  return marked.replace(/^-100/, '');
}

/** Seconds to wait when `err` is a FloodWait (or slow mode / premium wait), else undefined. */
export function floodWaitSeconds(err: unknown): number | undefined {
  if (err instanceof errors.FloodWaitError || err instanceof errors.SlowModeWaitError) return err.seconds;
  const message = err instanceof Error ? err.message : '';
  const match = /FLOOD_(?:PREMIUM_)?WAIT_(\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** A FloodWaitError as gramjs raises it (for tests of code that must obey it). */
export function makeFloodWaitError(seconds: number): Error {
  return new errors.FloodWaitError({ request: undefined, capture: seconds });
}

export type ChannelRef = { id: string; accessHash: string };

export type ResolveResult =
  | { kind: 'channel'; id: string; accessHash: string; title: string; username?: string; joined: boolean }
  | { kind: 'not-found'; reason: string }
  | { kind: 'not-channel'; reason: string };

export type HistoryPage = {
  /** The messages (not service messages) of the page, oldest first. */
  messages: Api.Message[];
  /** The highest id on the page, service messages included (0 when empty). */
  lastId: number;
  /** Whether the page was full, i.e. more may follow. */
  full: boolean;
  channel?: Api.Channel;
  /** Every chat the response names: forward origins' usernames and titles come from here. */
  chats?: Api.TypeChat[];
};

export type UpdateHandlers = {
  message: (message: Api.Message, edited: boolean) => void;
  deleted: (channelId: string, messageIds: number[]) => void;
  /** Telegram says updates of the channel were dropped (updateChannelTooLong): catch it up. */
  tooLong?: (channelId: string) => void;
};

export type EngagementFigures = { views?: number; forwards?: number; replies?: number };

/** `messages.getMessagesViews` answers in the order of the ids asked. Pure, for tests. */
export function viewsById(
  ids: readonly number[],
  result: Api.messages.MessageViews,
): Map<number, EngagementFigures> {
  const out = new Map<number, EngagementFigures>();
  result.views.forEach((v, i) => {
    const id = ids[i];
    if (id === undefined) return;
    const figures: EngagementFigures = {};
    if (typeof v.views === 'number') figures.views = v.views;
    if (typeof v.forwards === 'number') figures.forwards = v.forwards;
    if (v.replies instanceof Api.MessageReplies) figures.replies = v.replies.replies;
    if (Object.keys(figures).length > 0) out.set(id, figures);
  });
  return out;
}

/** `messages.getMessagesReactions` answers with updates: the reactions of each message asked. Pure. */
export function reactionsById(result: Api.TypeUpdates): Map<number, Api.MessageReactions> {
  const out = new Map<number, Api.MessageReactions>();
  const updates =
    result instanceof Api.Updates || result instanceof Api.UpdatesCombined
      ? result.updates
      : result instanceof Api.UpdateShort
        ? [result.update]
        : [];
  for (const update of updates) {
    if (update instanceof Api.UpdateMessageReactions && update.reactions instanceof Api.MessageReactions) {
      out.set(update.msgId, update.reactions);
    }
  }
  return out;
}

/** What happened in a channel since a pts, from `updates.getChannelDifference`. */
export type ChannelDifference = {
  /** The pts to ask from next time. */
  pts: number;
  /** Nothing more to fetch for now. */
  final: boolean;
  /** The gap was too long for a difference: `messages` are the channel's latest, edits and
   * deletions in the gap are unknown (a history re-read covers the new messages). */
  tooLong: boolean;
  messages: Api.Message[];
  edited: Api.Message[];
  deleted: number[];
  chats: Api.TypeChat[];
};

/** gramjs's three difference shapes as one. Pure, so tests feed it real Api objects. */
export function normaliseDifference(
  raw: Api.updates.TypeChannelDifference,
  fromPts: number,
): ChannelDifference {
  const empty = { messages: [], edited: [], deleted: [], chats: [] };
  if (raw instanceof Api.updates.ChannelDifferenceEmpty) {
    return { ...empty, pts: raw.pts, final: true, tooLong: false };
  }
  const onlyMessages = (list: Api.TypeMessage[]) =>
    list.filter((m): m is Api.Message => m instanceof Api.Message);
  if (raw instanceof Api.updates.ChannelDifferenceTooLong) {
    const dialog = raw.dialog;
    const pts = dialog instanceof Api.Dialog && dialog.pts ? dialog.pts : fromPts;
    return {
      ...empty,
      pts,
      final: true,
      tooLong: true,
      messages: onlyMessages(raw.messages),
      chats: raw.chats,
    };
  }
  const edited: Api.Message[] = [];
  const deleted: number[] = [];
  const messages = onlyMessages(raw.newMessages);
  for (const update of raw.otherUpdates) {
    if (update instanceof Api.UpdateEditChannelMessage && update.message instanceof Api.Message)
      edited.push(update.message);
    else if (update instanceof Api.UpdateNewChannelMessage && update.message instanceof Api.Message)
      messages.push(update.message);
    else if (update instanceof Api.UpdateDeleteChannelMessages) deleted.push(...update.messages);
  }
  return {
    pts: raw.pts,
    final: raw.final ?? false,
    tooLong: false,
    messages,
    edited,
    deleted,
    chats: raw.chats,
  };
}

export type TelegramAccount = {
  /** The account's user id; access hashes are valid for this account only. */
  readonly accountId: string;
  resolveChannel(username: string): Promise<ResolveResult>;
  /** Up to `limit` (≤ 100) messages with id > afterId, oldest first. */
  historyAfter(channel: ChannelRef, afterId: number, limit: number): Promise<HistoryPage>;
  /** The id of the newest message posted before `date` (0 when there is none). */
  lastIdBefore(channel: ChannelRef, date: Date): Promise<number>;
  /** Push updates of joined channels; only ids in `channelIds()` are passed on. */
  onUpdates(channelIds: () => ReadonlySet<string>, handlers: UpdateHandlers): void;
  /** Told when the connection comes back (gramjs reconnected, or the client was recycled). */
  onReconnect(handler: () => void): void;
  /** The channel's current pts, where catch-up starts for a channel never caught up. */
  channelPts(channel: ChannelRef): Promise<number>;
  /** Current views, forwards and replies of up to 100 messages (`messages.getMessagesViews`). */
  messageViews(channel: ChannelRef, ids: number[]): Promise<Map<number, EngagementFigures>>;
  /** Current reactions of up to 100 messages (`messages.getMessagesReactions`). */
  messageReactions(channel: ChannelRef, ids: number[]): Promise<Map<number, Api.MessageReactions>>;
  /** Edits, deletions and new messages since `pts` (gramjs's own catch-up is a TODO). */
  channelDifference(channel: ChannelRef, pts: number, limit: number): Promise<ChannelDifference>;
  /** Drops the client and its unbounded entity cache (gramjs #816), reconnects, keeps handlers. */
  recycle(): Promise<void>;
  disconnect(): Promise<void>;
};

export type AccountOptions = {
  apiId: number;
  apiHash: string;
  session: string;
  /** FloodWaits up to this are slept by gramjs; keep it low, the collector handles the rest. */
  floodSleepThreshold: number;
};

function newClient(options: AccountOptions, session: string): TelegramClient {
  const client = new TelegramClient(new sessions.StringSession(session), options.apiId, options.apiHash, {
    connectionRetries: 5,
    floodSleepThreshold: options.floodSleepThreshold,
    baseLogger: new Logger(LogLevel.ERROR),
  });
  return client;
}

/** Logs in non-interactively from a saved session string. Never logs the session. */
export async function connectAccount(options: AccountOptions): Promise<TelegramAccount> {
  let client = newClient(options, options.session);
  await client.connect();
  if (!(await client.checkAuthorization())) {
    await client.destroy();
    throw new Error('TELEGRAM_SESSION is not authorised (run `pnpm -s cw telegram login` again)');
  }
  const me = await client.getMe();
  if (me.bot) {
    await client.destroy();
    throw new Error('a bot account cannot read channel history (BOT_METHOD_INVALID): use a user account');
  }
  const accountId = me.id.toString();
  const subscriptions: { ids: () => ReadonlySet<string>; handlers: UpdateHandlers }[] = [];
  const reconnectHandlers: (() => void)[] = [];
  let wasDisconnected = false;
  const watchConnection = () => {
    client.addEventHandler(
      (update: UpdateConnectionState) => {
        if (update.state === UpdateConnectionState.connected) {
          if (!wasDisconnected) return;
          wasDisconnected = false;
          for (const handler of reconnectHandlers) handler();
        } else wasDisconnected = true;
      },
      new Raw({ types: [UpdateConnectionState] }),
    );
  };
  watchConnection();

  const subscribe = (ids: () => ReadonlySet<string>, handlers: UpdateHandlers) => {
    client.addEventHandler(
      (update: Api.TypeUpdate) => {
        if (update instanceof Api.UpdateNewChannelMessage || update instanceof Api.UpdateEditChannelMessage) {
          const message = update.message;
          if (!(message instanceof Api.Message) || !(message.peerId instanceof Api.PeerChannel)) return;
          if (!ids().has(markedChannelId(message.peerId.channelId))) return;
          handlers.message(message, update instanceof Api.UpdateEditChannelMessage);
        } else if (update instanceof Api.UpdateDeleteChannelMessages) {
          const id = markedChannelId(update.channelId);
          if (ids().has(id)) handlers.deleted(id, update.messages);
        } else if (update instanceof Api.UpdateChannelTooLong) {
          const id = markedChannelId(update.channelId);
          if (ids().has(id)) handlers.tooLong?.(id);
        }
      },
      new Raw({
        types: [
          Api.UpdateNewChannelMessage,
          Api.UpdateEditChannelMessage,
          Api.UpdateDeleteChannelMessages,
          Api.UpdateChannelTooLong,
        ],
      }),
    );
  };

  const inputPeer = (channel: ChannelRef) =>
    new Api.InputPeerChannel({
      channelId: toLong(bareChannelId(channel.id)),
      accessHash: toLong(channel.accessHash),
    });
  const inputChannel = (channel: ChannelRef) =>
    new Api.InputChannel({
      channelId: toLong(bareChannelId(channel.id)),
      accessHash: toLong(channel.accessHash),
    });

  return {
    accountId,
    async resolveChannel(username) {
      let resolved: Api.contacts.ResolvedPeer;
      try {
        resolved = await client.invoke(new Api.contacts.ResolveUsername({ username }));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (/USERNAME_NOT_OCCUPIED|USERNAME_INVALID/.test(message))
          return { kind: 'not-found', reason: message };
        throw err;
      }
      if (!(resolved.peer instanceof Api.PeerChannel))
        return { kind: 'not-channel', reason: 'a user or bot, not a channel' };
      const peer = resolved.peer;
      const chat = resolved.chats.find((c) => c instanceof Api.Channel && c.id.equals(peer.channelId));
      if (!(chat instanceof Api.Channel) || !chat.accessHash)
        return { kind: 'not-channel', reason: 'no channel data' };
      if (chat.megagroup) return { kind: 'not-channel', reason: 'a group, not a broadcast channel' };
      return {
        kind: 'channel',
        id: markedChannelId(chat.id),
        accessHash: chat.accessHash.toString(),
        title: chat.title,
        ...(chat.username ? { username: chat.username } : {}),
        joined: !chat.left,
      };
    },
    async historyAfter(channel, afterId, limit) {
      const pageSize = Math.min(Math.max(limit, 1), 100);
      // Oldest-first from the cursor, as gramjs does for reverse iteration: offset just above the
      // cursor, a negative add_offset of one page, min_id so nothing at or below the cursor returns.
      const result = await client.invoke(
        new Api.messages.GetHistory({
          peer: inputPeer(channel),
          offsetId: afterId + 1,
          addOffset: -pageSize,
          limit: pageSize,
          minId: afterId,
          maxId: 0,
          offsetDate: 0,
          hash: toLong(0),
        }),
      );
      if (result instanceof Api.messages.MessagesNotModified) return { messages: [], lastId: 0, full: false };
      const messages = result.messages
        .filter((m): m is Api.Message => m instanceof Api.Message && m.id > afterId)
        .sort((a, b) => a.id - b.id);
      const channelInfo = result.chats.find(
        (c): c is Api.Channel => c instanceof Api.Channel && markedChannelId(c.id) === channel.id,
      );
      const lastId = Math.max(0, ...result.messages.map((m) => m.id).filter((id) => id > afterId));
      return {
        messages,
        lastId,
        full: result.messages.length >= pageSize,
        chats: result.chats,
        ...(channelInfo ? { channel: channelInfo } : {}),
      };
    },
    async lastIdBefore(channel, date) {
      const result = await client.invoke(
        new Api.messages.GetHistory({
          peer: inputPeer(channel),
          offsetDate: Math.floor(date.getTime() / 1000),
          offsetId: 0,
          addOffset: 0,
          limit: 1,
          maxId: 0,
          minId: 0,
          hash: toLong(0),
        }),
      );
      if (result instanceof Api.messages.MessagesNotModified) return 0;
      return result.messages[0]?.id ?? 0;
    },
    onUpdates(ids, handlers) {
      subscriptions.push({ ids, handlers });
      subscribe(ids, handlers);
    },
    onReconnect(handler) {
      reconnectHandlers.push(handler);
    },
    async messageViews(channel, ids) {
      const result = await client.invoke(
        new Api.messages.GetMessagesViews({ peer: inputPeer(channel), id: ids, increment: false }),
      );
      return viewsById(ids, result);
    },
    async messageReactions(channel, ids) {
      return reactionsById(
        await client.invoke(new Api.messages.GetMessagesReactions({ peer: inputPeer(channel), id: ids })),
      );
    },
    async channelPts(channel) {
      const full = await client.invoke(new Api.channels.GetFullChannel({ channel: inputChannel(channel) }));
      return full.fullChat instanceof Api.ChannelFull ? full.fullChat.pts : 0;
    },
    async channelDifference(channel, pts, limit) {
      const raw = await client.invoke(
        new Api.updates.GetChannelDifference({
          channel: inputChannel(channel),
          filter: new Api.ChannelMessagesFilterEmpty(),
          pts,
          limit,
          force: true,
        }),
      );
      return normaliseDifference(raw, pts);
    },
    async recycle() {
      const saved = String(client.session.save());
      await client.destroy();
      client = newClient(options, saved || options.session);
      await client.connect();
      watchConnection();
      for (const s of subscriptions) subscribe(s.ids, s.handlers);
      // gramjs does not catch up by itself (its catchUp() is a TODO): the collector does, per channel.
      for (const handler of reconnectHandlers) handler();
    },
    async disconnect() {
      await client.destroy();
    },
  };
}

/** The one interactive step: logs a user account in and returns its session string. */
export async function interactiveLogin(options: {
  apiId: number;
  apiHash: string;
  ask: (question: string) => Promise<string>;
  onError: (err: Error) => void;
}): Promise<string> {
  const client = newClient({ ...options, session: '', floodSleepThreshold: 0 }, '');
  await client.start({
    phoneNumber: () => options.ask('phone number (international format, e.g. +4412345678): '),
    phoneCode: () => options.ask('login code sent by Telegram: '),
    password: (hint) => options.ask(`two-step verification password${hint ? ` (hint: ${hint})` : ''}: `),
    onError: (err) => {
      options.onError(err);
    },
  });
  const session = String(client.session.save());
  await client.destroy();
  return session;
}

/** Exposed for mapping: the marked id of any peer gramjs knows. */
export function peerId(peer: Api.TypePeer): string {
  return utils.getPeerId(peer);
}
