import type { ChannelEntry } from '../../channels/registry.ts';
import { foldAlbums } from '../albums.ts';
import type { CatchUpDeps } from './catch-up.ts';
import { responseMapping } from './mapping.ts';

// Backfill and polling are the same walk: from the channel's cursor, oldest first, pages of 100,
// each page on the queue before the cursor moves past it. A channel without a cursor starts at the
// last message before the backfill date. After downtime this is the catch-up: no gap, no repeat.

export const PAGE_SIZE = 100;

/** What catch-up needs, and where a channel without a cursor starts. */
export type HistoryDeps = CatchUpDeps & {
  since: Date;
  signal?: AbortSignal;
};

export type HistoryResult = { published: number; pages: number; cursor: number };

export async function collectHistory(
  deps: HistoryDeps,
  entry: ChannelEntry,
  options: { maxPages?: number } = {},
): Promise<HistoryResult> {
  const accessHash = entry.access[deps.account.accountId];
  if (!entry.id || !accessHash) throw new Error(`channel ${entry.username} is not resolved for this account`);
  const ref = { id: entry.id, accessHash };
  let cursor = await deps.registry.cursor(entry.id);
  if (cursor === 0) {
    const before = await deps.gate.call(() => deps.account.lastIdBefore(ref, deps.since), 'history');
    if (before > 0) {
      await deps.registry.initCursor(entry.id, before);
      cursor = await deps.registry.cursor(entry.id);
    }
  }
  let published = 0;
  let pages = 0;
  while (!deps.signal?.aborted && pages < (options.maxPages ?? Number.POSITIVE_INFINITY)) {
    const from = cursor;
    const page = await deps.gate.call(() => deps.account.historyAfter(ref, from, PAGE_SIZE), 'history');
    pages += 1;
    if (page.lastId <= from) break;
    const collectedAt = new Date(deps.clock.now()).toISOString();
    // All the response's chats, not only the channel: forwards then carry their origin's username.
    const mapping = responseMapping(
      entry.id,
      entry,
      page.chats ?? (page.channel ? [page.channel] : []),
      collectedAt,
    );
    // An album's messages become one post (the first id, every member's media), as on the web.
    const posts = foldAlbums(mapping.posts(page.messages)).filter((post) => !deps.recent.isKnown(post));
    await deps.publisher.publish('telegram', posts, { moveCursor: true });
    for (const post of posts) deps.recent.remember(post);
    await deps.refresh?.schedule(posts, deps.clock.now());
    // Past service messages and posts live updates already sent, too: they are handled.
    const lastDate = page.messages.at(-1)?.date ?? deps.clock.now() / 1000;
    cursor = await deps.registry.advance(entry.id, page.lastId, new Date(lastDate * 1000).toISOString());
    published += posts.length;
    if (!page.full) break;
  }
  return { published, pages, cursor };
}
