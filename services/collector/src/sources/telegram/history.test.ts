import { createQueue } from '@cw/queues';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../../tests/support/servers.ts';
import { ChannelRegistry } from '../../channels/registry.ts';
import { fakeClock } from '../../clock.ts';
import { createPublisher } from '../../publish/publisher.ts';
import { queuedPosts, ready, silentLog, telegramDeps, testGate, testPostsQueue } from '../../test/helpers.ts';
import { Api, makeFloodWaitError, toLong } from './adapter.ts';
import { fakeAccount, fakeMessage } from './fake-account.ts';
import { collectHistory } from './history.ts';
import { RecentPosts } from './recent-posts.ts';

const { redis, prefix } = isolatedServers();
beforeAll(() => ready(redis));
const T0 = Date.UTC(2024, 0, 1) / 1000;
const BARE = '1591537674';
const ID = `-100${BARE}`;

describe('telegram history (backfill and catch-up)', () => {
  const queue = testPostsQueue(redis, `${prefix}-tg`);

  it('walks from the backfill date in pages of 100, obeys a FloodWait, resumes after a stop: each message once', async () => {
    const registry = new ChannelRegistry(redis, `${prefix}-tg`);
    const messages: Api.TypeMessage[] = Array.from({ length: 260 }, (_, i) =>
      fakeMessage(BARE, i + 1, T0 + i * 3600),
    );
    // A service message in the middle: not a post, but the cursor moves past it.
    messages[149] = new Api.MessageService({
      id: 150,
      peerId: new Api.PeerChannel({ channelId: toLong(BARE) }),
      date: T0 + 149 * 3600,
      action: new Api.MessageActionPinMessage(),
    });
    const channel = { bareId: BARE, username: 'tchantest', title: 'Test', messages };
    const clock = fakeClock(Date.UTC(2024, 1, 1));
    let flood = true;
    const account = fakeAccount([channel], {
      beforeCall: (what) => {
        if (what.startsWith('history') && what.endsWith(' 110') && flood) {
          flood = false;
          throw makeFloodWaitError(30);
        }
      },
    });
    const gate = testGate(clock, 500);
    await registry.add(['tchantest'], 'telegram');
    const entry = {
      ...(await registry.get('tchantest'))!,
      id: ID,
      access: { '777': '123456789' },
      status: 'ok' as const,
    };
    await registry.update(entry);
    const deps = {
      ...telegramDeps({
        account,
        gate,
        registry,
        publisher: createPublisher({ queue, registry, log: silentLog, clock }),
        clock,
      }),
      // Messages 1..10 are older than the backfill date.
      since: new Date((T0 + 9.5 * 3600) * 1000),
    };

    const first = await collectHistory(deps, entry, { maxPages: 1 });
    expect(first).toMatchObject({ published: 100, pages: 1, cursor: 110 });
    // "Stop" here; a new process with fresh memory goes on from the cursor.
    const second = await collectHistory({ ...deps, recent: new RecentPosts() }, entry);
    expect(second.cursor).toBe(260);
    expect(clock.slept.some((ms) => ms >= 30_000)).toBe(true);
    const floodAt = account.calls.indexOf(`history ${ID} 110`);
    expect(account.calls[floodAt + 1]).toBe(`history ${ID} 110`);

    const ids = (await queuedPosts(queue)).map((p) => p.messageId).sort((a, b) => a - b);
    const expected = Array.from({ length: 250 }, (_, i) => i + 11).filter((id) => id !== 150);
    expect(ids).toEqual(expected);

    // Nothing new: one request, nothing published. Then new messages arrive and only they go out.
    expect((await collectHistory(deps, entry)).published).toBe(0);
    messages.push(fakeMessage(BARE, 261, T0 + 261 * 3600), fakeMessage(BARE, 262, T0 + 262 * 3600));
    expect(await collectHistory(deps, entry)).toMatchObject({ published: 2, cursor: 262 });
    expect(await queuedPosts(queue)).toHaveLength(251);
    const one = (await queuedPosts(queue)).find((p) => p.messageId === 261);
    expect(one).toMatchObject({
      channel: { id: ID, username: 'tchantest', title: 'Test' },
      source: 'telegram',
    });
  });

  it('a forward carries its origin channel username and title from the response chats', async () => {
    const registry = new ChannelRegistry(redis, `${prefix}-tg-fwd`);
    const origin = new Api.Channel({
      id: toLong('1000000001'),
      accessHash: toLong('5'),
      title: 'Origin News',
      username: 'origin_news',
      photo: new Api.ChatPhotoEmpty(),
      date: 0,
    });
    const forwarded = new Api.Message({
      id: 3,
      peerId: new Api.PeerChannel({ channelId: toLong(BARE) }),
      date: T0,
      message: 'forwarded',
      fwdFrom: new Api.MessageFwdHeader({
        date: T0 - 60,
        fromId: new Api.PeerChannel({ channelId: toLong('1000000001') }),
        channelPost: 88,
      }),
    });
    const account = fakeAccount([
      { bareId: BARE, username: 'tchantest', title: 'Test', messages: [forwarded], chats: [origin] },
    ]);
    const clock = fakeClock(Date.UTC(2024, 1, 1));
    const fwdQueue = createQueue('posts', { connection: redis, prefix: `${prefix}-tg-fwd` });
    const gate = testGate(clock);
    const entry = {
      username: 'tchantest',
      source: 'telegram' as const,
      id: ID,
      access: { '777': '123456789' },
      status: 'ok' as const,
      addedAt: new Date().toISOString(),
    };
    await registry.initCursor(ID, 2);
    await collectHistory(
      telegramDeps({
        account,
        gate,
        registry,
        publisher: createPublisher({ queue: fwdQueue, registry, log: silentLog, clock }),
        clock,
      }),
      entry,
    );
    const [post] = await queuedPosts(fwdQueue);
    expect(post?.forward).toEqual({
      fromChannelId: '-1001000000001',
      fromUsername: 'origin_news',
      fromName: 'Origin News',
      fromMessageId: 88,
      postedAt: new Date((T0 - 60) * 1000).toISOString(),
    });
    await fwdQueue.obliterate({ force: true });
    await fwdQueue.close();
  });
});
