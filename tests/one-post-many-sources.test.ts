import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IndexedPost } from '@cw/domain';
import { indexNames } from '@cw/es';
import { describe, expect, it } from 'vitest';
import { ChannelRegistry } from '../services/collector/src/channels/registry.ts';
import { fakeClock } from '../services/collector/src/clock.ts';
import { createPublisher } from '../services/collector/src/publish/publisher.ts';
import { importExport } from '../services/collector/src/sources/export/import-export.ts';
import { Api, toLong } from '../services/collector/src/sources/telegram/adapter.ts';
import { fakeAccount } from '../services/collector/src/sources/telegram/fake-account.ts';
import { collectHistory } from '../services/collector/src/sources/telegram/history.ts';
import { parsePage } from '../services/collector/src/sources/web/parse-page.ts';
import { webMessageToPost } from '../services/collector/src/sources/web/web-source.ts';
import { silentLog, telegramDeps, testGate } from '../services/collector/src/test/helpers.ts';
import { collectionTestbed } from './support/collection.ts';
import { isolatedServers } from './support/servers.ts';
import { testTempDir } from './support/temp-dir.ts';

// One post however many sources saw it: the album of tme-s-page.html (message 101, two photos,
// "Album caption") seen by the web preview, by gramjs (two messages with a groupedId) and by a
// Desktop export (two consecutive messages in the same second) ends as ONE document.

const ctx = isolatedServers();
const names = indexNames(ctx.prefix);
const BARE = '1591537674';
const ID = `-100${BARE}`;
const POSTED = Date.UTC(2024, 2, 1, 11, 30) / 1000;
const { queue, index, takeBatches, versionsOf } = collectionTestbed(ctx, 'sources');

/** Every queued post, indexed as one batch of `source`. */
async function drainQueue(source: string) {
  const posts = (await takeBatches()).flatMap((batch) => batch.posts);
  return { posts, result: await index(posts, source) };
}

describe('an album seen by every source', () => {
  it('is one post with two media and the caption, whoever saw it first', async () => {
    const clock = fakeClock(Date.UTC(2024, 2, 2));
    // gramjs: two messages sharing a groupedId, the caption on the first.
    const photo = () =>
      new Api.MessageMediaPhoto({
        photo: new Api.Photo({
          id: toLong('1'),
          accessHash: toLong('1'),
          fileReference: Buffer.alloc(0),
          date: POSTED,
          sizes: [],
          dcId: 2,
        }),
      });
    const member = (id: number, text: string) =>
      new Api.Message({
        id,
        peerId: new Api.PeerChannel({ channelId: toLong(BARE) }),
        date: POSTED,
        message: text,
        media: photo(),
        groupedId: toLong('13579'),
        views: 1_300_500,
      });
    const account = fakeAccount([
      {
        bareId: BARE,
        username: 'tchantest',
        title: "tchan's test channel",
        messages: [member(101, 'Album caption'), member(102, '')],
      },
    ]);
    const registry = new ChannelRegistry(ctx.redis, `${ctx.prefix}-sources`);
    await registry.initCursor(ID, 100);
    const gate = testGate(clock);
    await collectHistory(
      telegramDeps({
        account,
        gate,
        registry,
        publisher: createPublisher({ queue, registry, log: silentLog, clock }),
        clock,
      }),
      {
        username: 'tchantest',
        source: 'telegram',
        id: ID,
        access: { [account.accountId]: '1' },
        status: 'ok',
        addedAt: new Date().toISOString(),
      },
    );
    const live = await drainQueue('telegram');
    expect(live.posts).toHaveLength(1);
    expect(live.result).toMatchObject({ created: 1 });

    // The web preview: one block, two photos.
    const page = parsePage(
      readFileSync(
        new URL('../services/collector/src/sources/web/fixtures/tme-s-page.html', import.meta.url),
        'utf8',
      ),
    );
    const webAlbum = page.messages.find((m) => m.messageId === 101);
    const webPost =
      webAlbum && webMessageToPost(webAlbum, { id: ID, username: 'tchantest' }, '2024-03-02T01:00:00.000Z');
    expect(webPost?.media).toHaveLength(2);
    expect(await index([webPost], 'web')).toMatchObject({ created: 0 });

    // A Desktop export: two consecutive messages in the same second.
    const path = join(testTempDir('albums'), 'result.json');
    const exported = (id: number, text: string) => ({
      id,
      type: 'message',
      date: '2024-03-01T13:30:00',
      date_unixtime: String(POSTED),
      from: "tchan's test channel",
      from_id: `channel${BARE}`,
      photo: '(File not included. Change data exporting settings to download.)',
      width: 1280,
      height: 720,
      text,
    });
    await writeFile(
      path,
      JSON.stringify({
        name: "tchan's test channel",
        type: 'public_channel',
        id: Number(BARE),
        messages: [exported(101, 'Album caption'), exported(102, '')],
      }),
    );
    const imported = await importExport(path, {
      publisher: createPublisher({ queue, log: silentLog, clock }),
      clock,
    });
    expect(imported).toMatchObject({ messages: 2, published: 1, albumMembers: 1 });
    expect((await drainQueue('export')).result).toMatchObject({ created: 0 });

    const docs = await ctx.es.search<IndexedPost>({
      index: names.posts,
      query: { term: { 'channel.id': ID } },
    });
    expect(docs.hits.hits.map((h) => h._id)).toEqual([`${ID}_101`]);
    const album = docs.hits.hits[0]?._source as IndexedPost;
    expect(album).toMatchObject({
      text: 'Album caption',
      media: [{ kind: 'photo' }, { kind: 'photo' }],
      groupedId: '13579',
      url: 'https://t.me/tchantest/101',
      metrics: { views: 1_300_500 },
    });
    expect(album.sources?.sort()).toEqual(['export', 'telegram', 'web']);
    // The web saw it edited (the text was the same): the post is edited, with no second text version.
    expect(await versionsOf(`${ID}_101`)).toHaveLength(0);
  });
});
