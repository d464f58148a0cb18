import type { PostPatchInput } from '@cw/domain';
import type { Logger } from '@cw/logging';
import type { ChannelEntry, ChannelRegistry } from '../../channels/registry.ts';
import type { Clock } from '../../clock.ts';
import type { Publisher, QueueItem } from '../../publish/publisher.ts';
import { foldAlbums } from '../albums.ts';
import type { TelegramAccount } from './adapter.ts';
import type { EngagementRefresh } from './engagement-refresh.ts';
import type { AccountGate } from './flood-gate.ts';
import { responseMapping } from './mapping.ts';
import type { RecentPosts } from './recent-posts.ts';

// Gap-free live collection. Push updates stop while the client is disconnected or recycled, and
// Telegram drops them for busy channels (updateChannelTooLong); gramjs's own catchUp() is a TODO.
// After every reconnect and recycle each joined channel is caught up from its stored pts with
// `updates.getChannelDifference`: new messages, edits and deletions in the gap are published (a
// deletion as a patch by id, so it lands whether or not this process ever saw the post). When the
// gap is too long for a difference, Telegram returns the latest messages; the history walk from
// the cursor covers the new ones, and the health counts the gap whose edits could not be known.

export const DIFFERENCE_LIMIT = 100;
/** Pages of a difference in one catch-up, so one very busy channel cannot starve the others. */
const MAX_ROUNDS = 20;

export type CatchUpDeps = {
  account: TelegramAccount;
  gate: AccountGate;
  registry: ChannelRegistry;
  publisher: Publisher;
  recent: RecentPosts;
  clock: Clock;
  log: Logger;
  /** Puts collected posts on the engagement refresh schedule. */
  refresh?: EngagementRefresh;
};

export type CatchUpResult = {
  pts: number;
  found: number;
  filled: number;
  tooLong: boolean;
  started: boolean;
};

export async function catchUpChannel(deps: CatchUpDeps, entry: ChannelEntry): Promise<CatchUpResult> {
  const accessHash = entry.access[deps.account.accountId];
  if (!entry.id || !accessHash) throw new Error(`channel ${entry.username} is not resolved for this account`);
  const ref = { id: entry.id, accessHash };
  const channelId = entry.id;
  const at = () => new Date(deps.clock.now()).toISOString();
  let pts = await deps.registry.pts(channelId);
  if (pts === 0) {
    // Never caught up: start from now; the history walk from the cursor covers what came before.
    pts = await deps.gate.call(() => deps.account.channelPts(ref));
    await deps.registry.advancePts(channelId, pts);
    await deps.registry.noteHealth(channelId, { at: at() });
    return { pts, found: 0, filled: 0, tooLong: false, started: true };
  }
  const result: CatchUpResult = { pts, found: 0, filled: 0, tooLong: false, started: false };
  try {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const from = pts;
      const diff = await deps.gate.call(
        () => deps.account.channelDifference(ref, from, DIFFERENCE_LIMIT),
        'difference',
      );
      const collectedAt = at();
      const { channel, posts } = responseMapping(channelId, entry, diff.chats, collectedAt);
      const items: QueueItem[] = [];
      const mapped = posts([...diff.messages, ...diff.edited]).sort((a, b) => a.messageId - b.messageId);
      for (const post of foldAlbums(mapped)) if (!deps.recent.isKnown(post)) items.push(post);
      for (const messageId of diff.deleted) {
        const deletion: PostPatchInput = {
          kind: 'deletion',
          channel,
          messageId,
          deletedAt: collectedAt,
          collectedAt,
          source: 'telegram',
        };
        items.push(deletion);
      }
      result.found += items.length;
      if (items.length > 0) {
        await deps.publisher.publish('telegram', items, { moveCursor: false });
        for (const item of items) if (!('kind' in item)) deps.recent.remember(item);
        await deps.refresh?.schedule(posts(diff.messages), deps.clock.now());
        result.filled += items.length;
      }
      if (diff.tooLong) result.tooLong = true;
      pts = await deps.registry.advancePts(channelId, diff.pts);
      result.pts = pts;
      if (diff.final || diff.pts <= from) break;
    }
    await deps.registry.noteHealth(channelId, {
      at: at(),
      found: result.found,
      filled: result.filled,
      tooLong: result.tooLong,
    });
    if (result.found > 0 || result.tooLong) {
      deps.log.info({ channel: entry.username, ...result }, 'catch-up found updates push had not delivered');
    }
    return result;
  } catch (err) {
    await deps.registry.noteHealth(channelId, {
      at: at(),
      error: err instanceof Error ? err.message : String(err),
    });
    throw err;
  }
}
