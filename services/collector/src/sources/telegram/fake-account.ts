// A TelegramAccount over an in-memory channel, for tests: same interface as the gramjs adapter,
// real Api.Message objects, no network. Not used by production code.
import {
  Api,
  type HistoryPage,
  markedChannelId,
  type ResolveResult,
  type TelegramAccount,
  toLong,
} from './adapter.ts';

export type FakeChannel = { bareId: string; username: string; title: string; messages: Api.TypeMessage[] };

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
): TelegramAccount & { calls: string[] } {
  const calls: string[] = [];
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
      return {
        messages: page.filter((m): m is Api.Message => m instanceof Api.Message),
        lastId: page.at(-1)?.id ?? 0,
        full: page.length >= limit,
        channel: new Api.Channel({
          id: toLong(channel.bareId),
          accessHash: toLong('123456789'),
          title: channel.title,
          username: channel.username,
          photo: new Api.ChatPhotoEmpty(),
          date: 0,
        }),
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
    async recycle() {},
    async disconnect() {},
  };
}
