// A TelegramAccount over an in-memory channel, for tests: same interface as the gramjs adapter,
// real Api.Message objects, no network. Not used by production code.
import {
  Api,
  type HistoryPage,
  markedChannelId,
  normaliseDifference,
  type ResolveResult,
  reactionsById,
  type TelegramAccount,
  toLong,
  viewsById,
} from './adapter.ts';

export type FakeChannel = {
  /** Other channels the history responses name (origins of forwards). */
  chats?: Api.TypeChat[];
  bareId: string;
  username: string;
  title: string;
  messages: Api.TypeMessage[];
  /** The channel's update log, as Telegram keeps it: each update with the pts it moved to. */
  updates?: { pts: number; update: Api.TypeUpdate }[];
  /** Below this pts a difference is too long (updates.channelDifferenceTooLong). */
  tooLongBelow?: number;
};

/** The pts a channel is at: its last logged update's. */
export function channelPtsOf(channel: FakeChannel): number {
  return channel.updates?.at(-1)?.pts ?? 1;
}

export function fakeMessage(bareId: string, id: number, date: number, text = `message ${id}`): Api.Message {
  return new Api.Message({
    id,
    peerId: new Api.PeerChannel({ channelId: toLong(bareId) }),
    date,
    message: text,
    views: id * 10,
  });
}

export function fakeAccount(
  channels: FakeChannel[],
  hooks: { beforeCall?: (what: string) => void; accountId?: string } = {},
): TelegramAccount & { calls: string[]; reconnect(): void } {
  const calls: string[] = [];
  const reconnectHandlers: (() => void)[] = [];
  const byId = (id: string) => channels.find((c) => markedChannelId(c.bareId) === id);
  const call = (what: string) => {
    calls.push(what);
    hooks.beforeCall?.(what);
  };
  return {
    calls,
    accountId: hooks.accountId ?? '777',
    async resolveChannel(username): Promise<ResolveResult> {
      call(`resolve ${username}`);
      const channel = channels.find((c) => c.username.toLowerCase() === username.toLowerCase());
      if (!channel) return { kind: 'not-found', reason: 'USERNAME_NOT_OCCUPIED' };
      return {
        kind: 'channel',
        id: markedChannelId(channel.bareId),
        accessHash: '123456789',
        title: channel.title,
        username: channel.username,
        joined: false,
      };
    },
    async historyAfter(ref, afterId, limit): Promise<HistoryPage> {
      call(`history ${ref.id} ${afterId}`);
      const channel = byId(ref.id);
      if (!channel) throw new Error('CHANNEL_INVALID');
      const page = channel.messages
        .filter((m) => m.id > afterId)
        .sort((a, b) => a.id - b.id)
        .slice(0, limit);
      const self = new Api.Channel({
        id: toLong(channel.bareId),
        accessHash: toLong('123456789'),
        title: channel.title,
        username: channel.username,
        photo: new Api.ChatPhotoEmpty(),
        date: 0,
      });
      return {
        messages: page.filter((m): m is Api.Message => m instanceof Api.Message),
        lastId: page.at(-1)?.id ?? 0,
        full: page.length >= limit,
        channel: self,
        chats: [self, ...(channel.chats ?? [])],
      };
    },
    async lastIdBefore(ref, date) {
      call(`before ${ref.id}`);
      const older = (byId(ref.id)?.messages ?? []).filter(
        (m) => (m as Api.Message).date < date.getTime() / 1000,
      );
      return Math.max(0, ...older.map((m) => m.id));
    },
    onUpdates() {},
    onReconnect(handler) {
      reconnectHandlers.push(handler);
    },
    reconnect() {
      for (const handler of reconnectHandlers) handler();
    },
    async messageViews(ref, ids) {
      call(`views ${ref.id} ${ids.length}`);
      const channel = byId(ref.id);
      if (!channel) throw new Error('CHANNEL_INVALID');
      const byMessage = new Map(channel.messages.map((m) => [m.id, m]));
      return viewsById(
        ids,
        new Api.messages.MessageViews({
          views: ids.map((id) => {
            const m = byMessage.get(id);
            return m instanceof Api.Message
              ? new Api.MessageViews({
                  ...(m.views !== undefined ? { views: m.views } : {}),
                  ...(m.forwards !== undefined ? { forwards: m.forwards } : {}),
                  ...(m.replies ? { replies: m.replies } : {}),
                })
              : new Api.MessageViews({});
          }),
          chats: [],
          users: [],
        }),
      );
    },
    async messageReactions(ref, ids) {
      call(`reactions ${ref.id} ${ids.length}`);
      const channel = byId(ref.id);
      if (!channel) throw new Error('CHANNEL_INVALID');
      const peer = new Api.PeerChannel({ channelId: toLong(channel.bareId) });
      const updates = ids.flatMap((id) => {
        const m = channel.messages.find((x) => x.id === id);
        return m instanceof Api.Message && m.reactions
          ? [new Api.UpdateMessageReactions({ peer, msgId: id, reactions: m.reactions })]
          : [];
      });
      return reactionsById(new Api.Updates({ updates, users: [], chats: [], date: 0, seq: 0 }));
    },
    async channelPts(ref) {
      call(`pts ${ref.id}`);
      const channel = byId(ref.id);
      if (!channel) throw new Error('CHANNEL_INVALID');
      return channelPtsOf(channel);
    },
    async channelDifference(ref, pts, limit) {
      call(`difference ${ref.id} ${pts}`);
      const channel = byId(ref.id);
      if (!channel) throw new Error('CHANNEL_INVALID');
      const now = channelPtsOf(channel);
      // The server's answers, as gramjs hands them over: real Api constructor objects.
      if (channel.tooLongBelow !== undefined && pts < channel.tooLongBelow) {
        const latest = channel.messages.slice(-limit);
        return normaliseDifference(
          new Api.updates.ChannelDifferenceTooLong({
            final: true,
            dialog: new Api.Dialog({
              peer: new Api.PeerChannel({ channelId: toLong(channel.bareId) }),
              topMessage: latest.at(-1)?.id ?? 0,
              readInboxMaxId: 0,
              readOutboxMaxId: 0,
              unreadCount: 0,
              unreadMentionsCount: 0,
              unreadReactionsCount: 0,
              notifySettings: new Api.PeerNotifySettings({}),
              pts: now,
            }),
            messages: latest,
            chats: [],
            users: [],
          }),
          pts,
        );
      }
      const pending = (channel.updates ?? []).filter((u) => u.pts > pts).slice(0, limit);
      if (pending.length === 0)
        return normaliseDifference(new Api.updates.ChannelDifferenceEmpty({ final: true, pts: now }), pts);
      const last = pending.at(-1)?.pts ?? now;
      return normaliseDifference(
        new Api.updates.ChannelDifference({
          final: last === now,
          pts: last,
          newMessages: pending.flatMap((u) =>
            u.update instanceof Api.UpdateNewChannelMessage ? [u.update.message] : [],
          ),
          otherUpdates: pending.flatMap((u) =>
            u.update instanceof Api.UpdateNewChannelMessage ? [] : [u.update],
          ),
          chats: [],
          users: [],
        }),
        pts,
      );
    },
    async recycle() {},
    async disconnect() {},
  };
}
