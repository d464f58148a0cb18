import type { IndexedPost } from '@cw/domain';
import { indexNames } from '@cw/es';
import { processBatch } from '@cw/pipeline';
import { describe, expect, it } from 'vitest';
import { ChannelRegistry } from '../services/collector/src/channels/registry.ts';
import { fakeClock } from '../services/collector/src/clock.ts';
import { runCollector } from '../services/collector/src/collector.ts';
import { Batcher } from '../services/collector/src/publish/batcher.ts';
import { createPublisher } from '../services/collector/src/publish/publisher.ts';
import { Api, toLong } from '../services/collector/src/sources/telegram/adapter.ts';
import { catchUpChannel } from '../services/collector/src/sources/telegram/catch-up.ts';
import {
  EngagementRefresh,
  parseRefreshSchedule,
} from '../services/collector/src/sources/telegram/engagement-refresh.ts';
import {
  type FakeChannel,
  fakeAccount,
  fakeMessage,
} from '../services/collector/src/sources/telegram/fake-account.ts';
import { collectHistory } from '../services/collector/src/sources/telegram/history.ts';
import { startLive } from '../services/collector/src/sources/telegram/live.ts';
import { RecentPosts } from '../services/collector/src/sources/telegram/recent-posts.ts';
import { silentLog, telegramDeps, testGate } from '../services/collector/src/test/helpers.ts';
import { collectionTestbed } from './support/collection.ts';
import { isolatedServers } from './support/servers.ts';

// Live collection that survives disconnects, from gramjs Api objects to Elasticsearch documents:
// the collector's catch-up and the pipeline's writer, with Redis and Elasticsearch real and only
// Telegram played by a fake account that answers with real gramjs constructors.

const ctx = isolatedServers();
const names = indexNames(ctx.prefix);
const T0 = Date.UTC(2026, 10, 20, 9) / 1000;
const BARE = '1591537674';
const ID = `-100${BARE}`;
const { queue, narratives, index, takeBatches, versionsOf } = collectionTestbed(ctx, 'live');

/** What the pipeline worker does with each queued batch, in enqueue order. */
async function runPipeline() {
  for (const batch of await takeBatches()) await index(batch.posts, batch.source);
}

const doc = async (messageId: number, postedAt: number) =>
  (
    await ctx.es.get<IndexedPost>({
      index: names.postsIndex(new Date(postedAt * 1000).toISOString()),
      id: `${ID}_${messageId}`,
    })
  )._source as IndexedPost;

function setup(channel: FakeChannel) {
  const clock = fakeClock(Date.UTC(2026, 10, 21));
  const registry = new ChannelRegistry(ctx.redis, `${ctx.prefix}-${channel.username}`);
  const account = fakeAccount([channel]);
  const gate = testGate(clock);
  const publisher = createPublisher({ queue, registry, log: silentLog, clock });
  return { clock, registry, account, gate, publisher };
}

const peer = () => new Api.PeerChannel({ channelId: toLong(BARE) });

describe('catch-up after a disconnect', () => {
  it('a post edited and another deleted while disconnected both end applied, after a restart too', async () => {
    const channel: FakeChannel = {
      bareId: BARE,
      username: 'catchup_news',
      title: 'Catch-up news',
      messages: [1, 2, 3].map((id) => fakeMessage(BARE, id, T0 + id * 60, `original ${id}`)),
      updates: [{ pts: 40, update: new Api.UpdateChannel({ channelId: toLong(BARE) }) }],
    };
    const { clock, registry, account, gate, publisher } = setup(channel);
    await registry.add(['catchup_news'], 'telegram');
    const entry = {
      ...(await registry.get('catchup_news'))!,
      id: ID,
      joined: true,
      access: { [account.accountId]: '123456789' },
    };
    const deps = telegramDeps({ account, gate, registry, publisher, clock });
    // Connected: the channel's position is taken, history collected and indexed.
    expect(await catchUpChannel(deps, entry)).toMatchObject({ started: true, pts: 40 });
    await collectHistory(deps, entry);
    await runPipeline();
    expect((await doc(2, T0 + 120)).text).toBe('original 2');

    // Disconnected (no push arrives): post 1 edited, post 2 deleted, post 4 posted.
    const edited = new Api.Message({
      id: 1,
      peerId: peer(),
      date: T0 + 60,
      editDate: T0 + 3600,
      message: 'edited while we were away',
      views: 900,
    });
    channel.updates?.push(
      { pts: 41, update: new Api.UpdateEditChannelMessage({ message: edited, pts: 41, ptsCount: 1 }) },
      {
        pts: 42,
        update: new Api.UpdateDeleteChannelMessages({
          channelId: toLong(BARE),
          messages: [2],
          pts: 42,
          ptsCount: 1,
        }),
      },
      {
        pts: 43,
        update: new Api.UpdateNewChannelMessage({
          message: fakeMessage(BARE, 4, T0 + 4000, 'posted while we were away'),
          pts: 43,
          ptsCount: 1,
        }),
      },
    );
    // Reconnected in a restarted process: nothing of the channel is in memory.
    const restarted = { ...deps, recent: new RecentPosts() };
    const result = await catchUpChannel(restarted, entry);
    expect(result).toMatchObject({ pts: 43, found: 3, filled: 3, tooLong: false });
    expect(account.calls).toContain(`difference ${ID} 40`);
    await runPipeline();

    const one = await doc(1, T0 + 60);
    expect(one).toMatchObject({ text: 'edited while we were away', isEdited: true, metrics: { views: 900 } });
    expect(await doc(2, T0 + 120)).toMatchObject({ isDeleted: true, text: 'original 2' });
    expect((await doc(4, T0 + 4000)).text).toBe('posted while we were away');
    expect(await versionsOf(`${ID}_1`)).toHaveLength(2);
    expect(await registry.health(ID)).toMatchObject({ gapsFound: 3, gapsFilled: 3, tooLong: 0 });
    // Caught up: asking again finds nothing new.
    expect(await catchUpChannel(restarted, entry)).toMatchObject({ pts: 43, found: 0 });
  });

  it('a gap too long for a difference takes the latest messages and is counted in the health', async () => {
    const channel: FakeChannel = {
      bareId: BARE,
      username: 'toolong_news',
      title: 'Too long',
      messages: [10, 11, 12].map((id) => fakeMessage(BARE, id, T0 + id * 60)),
      updates: [{ pts: 5000, update: new Api.UpdateChannel({ channelId: toLong(BARE) }) }],
      tooLongBelow: 4000,
    };
    const { clock, registry, account, gate, publisher } = setup(channel);
    await registry.advancePts(ID, 100);
    const entry = {
      username: 'toolong_news',
      source: 'telegram' as const,
      id: ID,
      joined: true,
      access: { [account.accountId]: '1' },
      status: 'ok' as const,
      addedAt: new Date().toISOString(),
    };
    const result = await catchUpChannel(telegramDeps({ account, gate, registry, publisher, clock }), entry);
    expect(result).toMatchObject({ tooLong: true, pts: 5000, found: 3 });
    expect(await registry.health(ID)).toMatchObject({ tooLong: 1 });
    await runPipeline();
  });
});

describe('live deletions', () => {
  it('a deletion of a post this process never saw is applied by id, even before the post is indexed', async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 21, 12));
    let deleted: ((channelId: string, ids: number[]) => void) | undefined;
    const account = {
      ...fakeAccount([]),
      onUpdates: (_ids: unknown, handlers: { deleted: (c: string, m: number[]) => void }) => {
        deleted = handlers.deleted;
      },
    };
    const publisher = createPublisher({ queue, log: silentLog, clock });
    const batcher = new Batcher(
      async (items) => {
        await publisher.publish('telegram', items, { moveCursor: false });
      },
      { maxWaitMs: 10 },
    );
    const channels = new Map([[ID, { id: ID, username: 'catchup_news' }]]);
    startLive({
      account,
      batcher,
      recent: new RecentPosts(),
      clock,
      log: silentLog,
      channels: () => channels,
    });
    deleted?.(ID, [77]);
    await batcher.stop();
    await runPipeline();
    // The post arrives later (a history walk, an import): it ends deleted.
    await processBatch(
      [
        {
          channel: { id: ID, username: 'catchup_news' },
          messageId: 77,
          postedAt: new Date(T0 * 1000).toISOString(),
          collectedAt: new Date(T0 * 1000 + 1000).toISOString(),
          text: 'arrives after its deletion',
          source: 'telegram',
        },
      ],
      { es: ctx.es, prefix: ctx.prefix, enrich: { narratives }, source: 'telegram' },
    );
    await ctx.es.indices.refresh({ index: `${ctx.prefix}-*` });
    expect(await doc(77, T0)).toMatchObject({ isDeleted: true, deletedAt: '2026-11-21T12:00:00.000Z' });
  });
});

describe('engagement refresh', () => {
  it('re-reads views on schedule and updates the post in place: new figures, same text version, history of figures', async () => {
    const posted = T0;
    const channel: FakeChannel = {
      bareId: BARE,
      username: 'refresh_news',
      title: 'Refresh news',
      messages: [
        new Api.Message({
          id: 5,
          peerId: peer(),
          date: posted,
          message: 'counting views',
          views: 120,
          forwards: 2,
        }),
      ],
    };
    const { registry, account, gate, publisher } = setup(channel);
    const clock = fakeClock((posted + 600) * 1000);
    const refresh = new EngagementRefresh(
      ctx.redis,
      `${ctx.prefix}-refresh`,
      parseRefreshSchedule('1h*24,1d*7') as number[],
    );
    await registry.add(['refresh_news'], 'telegram');
    const entry = { ...(await registry.get('refresh_news'))!, id: ID, access: { [account.accountId]: '1' } };
    await registry.initCursor(ID, 4);
    const deps = { ...telegramDeps({ account, gate, registry, publisher, clock }), refresh };
    await collectHistory(deps, entry);
    expect(await refresh.pending()).toBe(1);
    await runPipeline();
    const first = await doc(5, posted);

    // Within the hour the post is seen by many more; its first refresh is due an hour after posting.
    channel.messages[0] = new Api.Message({
      id: 5,
      peerId: peer(),
      date: posted,
      message: 'counting views',
      views: 4800,
      forwards: 31,
      replies: new Api.MessageReplies({ replies: 9, repliesPts: 1 }),
      reactions: new Api.MessageReactions({
        results: [
          new Api.ReactionCount({ reaction: new Api.ReactionEmoji({ emoticon: '👍' }), count: 40 }),
          new Api.ReactionCount({ reaction: new Api.ReactionEmoji({ emoticon: '🔥' }), count: 2 }),
        ],
      }),
    });
    await clock.sleep(2400_000);
    const holder = { account, gate, accessHash: '1' };
    const nothingDue = await refresh.refreshDue({
      accountFor: () => holder,
      publisher,
      clock,
      log: silentLog,
    });
    expect(nothingDue.refreshed).toBe(0);
    await clock.sleep(600_000);
    const due = await refresh.refreshDue({ accountFor: () => holder, publisher, clock, log: silentLog });
    expect(due).toEqual({ refreshed: 1, skipped: 0 });
    expect(account.calls).toContain(`views ${ID} 1`);
    await runPipeline();

    const after = await doc(5, posted);
    expect(after.metrics).toEqual({
      views: 4800,
      forwards: 31,
      replies: 9,
      reactions: { total: 42, byEmoji: { '👍': 40, '🔥': 2 } },
    });
    expect(account.calls).toContain(`reactions ${ID} 1`);
    expect(after.version).toBe(first.version);
    expect(after.text).toBe('counting views');
    expect(after.engagement?.map((p) => [p.views, p.reactions])).toEqual([
      [120, undefined],
      [4800, 42],
    ]);
    expect(await versionsOf(`${ID}_5`)).toHaveLength(0);
    // Next due in the following hourly step, still on the schedule.
    const score = await ctx.redis.zscore(refresh.key, (await ctx.redis.zrange(refresh.key, 0, -1))[0] ?? '');
    expect(Number(score)).toBe((posted + 2 * 3600) * 1000);
  });
});

describe('the collector loop', () => {
  it('catches every joined channel up at start-up and again after each reconnect', async () => {
    const channel: FakeChannel = {
      bareId: BARE,
      username: 'loop_news',
      title: 'Loop news',
      messages: [fakeMessage(BARE, 1, T0 + 60, 'first')],
      updates: [{ pts: 70, update: new Api.UpdateChannel({ channelId: toLong(BARE) }) }],
    };
    const { registry, account, gate, publisher } = setup(channel);
    const clock = fakeClock(Date.UTC(2026, 10, 21));
    await registry.add(['loop_news'], 'telegram');
    const entry = (await registry.get('loop_news'))!;
    await registry.update({
      ...entry,
      id: ID,
      status: 'ok',
      joined: true,
      access: { [account.accountId]: '1' },
    });
    const controller = new AbortController();
    const batcher = new Batcher(
      async (items) => {
        await publisher.publish('telegram', items, { moveCursor: false });
      },
      { maxWaitMs: 10 },
    );
    const until = async (what: string) => {
      for (let i = 0; i < 200 && !account.calls.includes(what); i += 1)
        await new Promise((r) => setTimeout(r, 10));
      expect(account.calls).toContain(what);
    };
    const running = runCollector({
      registry,
      publisher,
      recent: new RecentPosts(),
      accounts: [{ account, gate }],
      clock,
      log: silentLog,
      since: new Date(0),
      web: { fetchPage: async () => ({ status: 404, body: '' }), intervalMs: 0, maxPages: 1 },
      poll: { minS: 60, maxS: 1800 },
      batcher,
      live: true,
      signal: controller.signal,
    });
    try {
      // Start-up is a reconnect after downtime: the channel's position is taken.
      await until(`pts ${ID}`);
      expect(await registry.pts(ID)).toBe(70);
      channel.updates?.push({
        pts: 71,
        update: new Api.UpdateDeleteChannelMessages({
          channelId: toLong(BARE),
          messages: [1],
          pts: 71,
          ptsCount: 1,
        }),
      });
      account.reconnect();
      await until(`difference ${ID} 70`);
      for (let i = 0; i < 200 && (await registry.pts(ID)) < 71; i += 1)
        await new Promise((r) => setTimeout(r, 10));
      expect(await registry.pts(ID)).toBe(71);
    } finally {
      controller.abort();
      await running;
      await batcher.stop();
    }
    await runPipeline();
  });
});
