import type { Logger } from '@cw/logging';
import type { Clock } from '../../clock.ts';
import type { Batcher } from '../../publish/batcher.ts';
import type { TelegramAccount } from './adapter.ts';
import type { EngagementRefresh } from './engagement-refresh.ts';
import type { ChannelInfo } from './mapping.ts';
import { mapMessage } from './mapping.ts';
import type { RecentPosts } from './recent-posts.ts';

// Push updates (new, edited, deleted messages of joined channels) into the micro-batcher. Push is
// never enough on its own (lost while down, skipped for busy channels): after a reconnect, a
// recycle or an updateChannelTooLong the channels are caught up (catch-up.ts), and the history walk
// from the cursors reconciles new posts; only it moves cursors. Live posts are remembered so it
// does not send them again.

export function startLive(deps: {
  account: TelegramAccount;
  batcher: Batcher;
  recent: RecentPosts;
  clock: Clock;
  log: Logger;
  /** Joined channels this account collects, by marked id. */
  channels: () => ReadonlyMap<string, ChannelInfo>;
  /** Asks for a catch-up of one channel, or of all (undefined) after a reconnect. */
  requestCatchUp?: (channelId?: string) => void;
  refresh?: EngagementRefresh;
}): void {
  deps.account.onReconnect(() => deps.requestCatchUp?.());
  const ids = () => new Set(deps.channels().keys());
  deps.account.onUpdates(ids, {
    message: (message, edited) => {
      const channelId = `-100${(message.peerId as { channelId?: { toString(): string } }).channelId?.toString()}`;
      const channel = deps.channels().get(channelId);
      if (!channel) return;
      const post = mapMessage(message, { channel, collectedAt: new Date(deps.clock.now()).toISOString() });
      if (!post || deps.recent.isKnown(post)) return;
      deps.recent.remember(post);
      deps.batcher.add(post);
      if (!edited) {
        deps.refresh
          ?.schedule([post], deps.clock.now())
          .catch((err) => deps.log.warn({ err }, 'could not schedule the engagement refresh of a live post'));
      }
      deps.log.debug({ channel: channel.username, messageId: post.messageId, edited }, 'live update');
    },
    deleted: (channelId, messageIds) => {
      const deletedAt = new Date(deps.clock.now()).toISOString();
      const channel = deps.channels().get(channelId);
      for (const messageId of messageIds) {
        const known = deps.recent.get(channelId, messageId);
        if (known?.deletedAt) continue;
        if (known) {
          const post = { ...known, deletedAt, collectedAt: deletedAt };
          deps.recent.remember(post);
          deps.batcher.add(post);
          continue;
        }
        // Not seen by this process (collected before a restart, or by an import): applied by id.
        deps.batcher.add({
          kind: 'deletion',
          channel: { id: channelId, ...(channel?.username ? { username: channel.username } : {}) },
          messageId,
          deletedAt,
          collectedAt: deletedAt,
          source: 'telegram',
        });
      }
    },
    tooLong: (channelId) => deps.requestCatchUp?.(channelId),
  });
}
