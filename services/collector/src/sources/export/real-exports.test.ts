import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CollectedPostInput, collectedPost } from '@cw/domain';
import { createQueue } from '@cw/queues';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../../tests/support/servers.ts';
import { testTempDir } from '../../../../../tests/support/temp-dir.ts';
import { fakeClock } from '../../clock.ts';
import { createPublisher } from '../../publish/publisher.ts';
import { queuedPosts, ready, silentLog } from '../../test/helpers.ts';
import { ExportError } from './export-message.ts';
import { type ImportOptions, importExport, keepInnerBoms, restoreBoms } from './import-export.ts';

// Real exports of every Desktop era we have (fixtures/real/SOURCES.md) and the points of issue 14.

const { redis, prefix } = isolatedServers();
beforeAll(() => ready(redis));
const real = (name: string) => new URL(`./fixtures/real/${name}`, import.meta.url).pathname;
const EXPORTS = [
  real('tg2md-2020-private-channel.json'),
  real('tg2md-2021-private-channel.json'),
  real('telegram-json-ui-2022-private-group.json'),
];

let n = 0;
async function importToQueue(path: string, extra: Partial<ImportOptions> = {}) {
  n += 1;
  const queue = createQueue('posts', { connection: redis, prefix: `${prefix}-real-${n}` });
  const clock = fakeClock(Date.UTC(2026, 0, 1));
  try {
    const result = await importExport(path, {
      publisher: createPublisher({ queue, log: silentLog, clock }),
      clock,
      ...extra,
    });
    const posts = (await queuedPosts(queue)).sort((a, b) => a.messageId - b.messageId);
    return { result, posts };
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

const withTz = async <T>(tz: string, fn: () => Promise<T>): Promise<T> => {
  const before = process.env['TZ'];
  process.env['TZ'] = tz;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env['TZ'];
    else process.env['TZ'] = before;
  }
};

describe('real Telegram Desktop exports', () => {
  it.each(EXPORTS)('%s imports with every message a valid post and nothing malformed', async (path) => {
    const { result, posts } = await importToQueue(path);
    expect(result.malformed).toBe(0);
    expect(result.published).toBeGreaterThan(3);
    expect(posts).toHaveLength(result.published);
    for (const post of posts) expect(collectedPost.safeParse(post).error).toBeUndefined();
  });

  it('an export without date_unixtime gives the same instants under any TZ of the importing machine', async () => {
    const path = real('tg2md-2021-private-channel.json');
    const almaty = await withTz('Asia/Almaty', () => importToQueue(path));
    const newYork = await withTz('America/New_York', () => importToQueue(path));
    expect(almaty.posts.map((p) => p.postedAt)).toEqual(newYork.posts.map((p) => p.postedAt));
    // Read as UTC unless told: "2020-11-12T12:54:07" is that instant in UTC.
    expect(almaty.posts.find((p) => p.messageId === 2)?.postedAt).toBe('2020-11-12T12:54:07.000Z');
    expect(almaty.result).toMatchObject({ zone: 'UTC', wallClock: 18, published: 16 });
  });

  it('--tz reads wall-clock times in the exporting machine zone, DST included', async () => {
    const path = real('tg2md-2021-private-channel.json');
    const { posts } = await importToQueue(path, { zone: 'Europe/Moscow' });
    expect(posts.find((p) => p.messageId === 2)?.postedAt).toBe('2020-11-12T09:54:07.000Z');
    const berlin = await importToQueue(path, { zone: 'Europe/Berlin' });
    // November 2020 is winter time in Berlin (+01:00); July 2021 summer time (+02:00).
    expect(berlin.posts.find((p) => p.messageId === 2)?.postedAt).toBe('2020-11-12T11:54:07.000Z');
    const july = berlin.posts.find((p) => p.messageId === 26);
    expect(july?.postedAt).toBe('2021-07-14T17:20:23.000Z');
  });

  it('the 2020 export (type offset in the chat id) and the 2021 export of the same channel give the same posts', async () => {
    const old = await importToQueue(real('tg2md-2020-private-channel.json'));
    const recent = await importToQueue(real('tg2md-2021-private-channel.json'));
    expect(old.result.chat?.channel.id).toBe('-1001292077344');
    expect(recent.result.chat?.channel.id).toBe('-1001292077344');
    const key = (p: CollectedPostInput) =>
      `${p.channel.id}_${p.messageId} ${p.postedAt} ${p.editedAt ?? ''} ${p.text}`;
    const recentKeys = new Set(recent.posts.map(key));
    for (const post of old.posts) expect(recentKeys.has(key(post))).toBe(true);
  });

  it('folds the real album (three photos sent in one second, one caption) into one post with three media', async () => {
    const { result, posts } = await importToQueue(real('tg2md-2021-private-channel.json'));
    expect(result.albumMembers).toBe(2);
    expect(posts.find((p) => p.messageId === 23)).toMatchObject({
      text: 'multiple photos',
      media: [{ kind: 'photo' }, { kind: 'photo' }, { kind: 'photo' }],
    });
    expect(posts.map((p) => p.messageId)).not.toContain(24);
    // Photos a few seconds apart are separate posts.
    expect(posts.filter((p) => p.messageId === 3 || p.messageId === 4)).toHaveLength(2);
  });

  it('a basic group keeps its own id form and names each sender as the author', async () => {
    const { result, posts } = await importToQueue(real('telegram-json-ui-2022-private-group.json'));
    expect(result.chat).toMatchObject({ kind: 'group', channel: { id: '-123456789', title: 'Test 2022' } });
    expect(posts.find((p) => p.messageId === 428642)?.author).toBe('Александр Март');
    expect(result.skipped).toBe(4);
  });

  it('refuses a personal chat on purpose, in one line, before enqueuing anything', async () => {
    const path = join(testTempDir('export'), 'result.json');
    await writeFile(
      path,
      JSON.stringify({
        name: 'Mum',
        type: 'personal_chat',
        id: 42,
        messages: [{ id: 1, type: 'message', date: '2024-01-01T00:00:00', text: 'hi' }],
      }),
    );
    const attempt = importToQueue(path);
    await expect(attempt).rejects.toThrow(ExportError);
    await expect(attempt).rejects.toThrow(/personal chat/);
  });

  it('a truncated file ends in one line saying where it broke, and what was read before is enqueued', async () => {
    const bytes = await readFile(real('tg2md-2021-private-channel.json'));
    const path = join(testTempDir('export'), 'result.json');
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    n += 1;
    const queue = createQueue('posts', { connection: redis, prefix: `${prefix}-real-${n}` });
    const clock = fakeClock(Date.UTC(2026, 0, 1));
    try {
      const attempt = importExport(path, {
        publisher: createPublisher({ queue, log: silentLog, clock }),
        clock,
      });
      const err = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ExportError);
      const message = (err as Error).message;
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toMatch(/not a complete JSON export.*read \d+ of \d+ bytes.*\d+ posts enqueued before/);
      const queued = await queuedPosts(queue);
      expect(queued.length).toBeGreaterThan(5);
      expect(message).toContain(`${queued.length} posts enqueued`);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

describe('export fields of current Desktop versions', () => {
  const current = (messages: object[], type = 'public_supergroup') =>
    JSON.stringify({ name: 'Current', type, id: 1875486764, messages });
  const base = { type: 'message', date: '2024-05-01T10:00:00', date_unixtime: '1714557600' };

  it('keeps forwarded_from_id as the origin channel, drops a reply into another chat, names supergroup senders', async () => {
    const path = join(testTempDir('export'), 'result.json');
    await writeFile(
      path,
      current([
        {
          ...base,
          id: 1,
          from: 'Айгуль',
          from_id: 'user1',
          forwarded_from: 'Новости',
          forwarded_from_id: 'channel1001234',
          text: 'fwd',
        },
        {
          ...base,
          id: 2,
          from: 'Айгуль',
          from_id: 'user1',
          reply_to_message_id: 77,
          reply_to_peer_id: 'channel555',
          text: 'elsewhere',
        },
        { ...base, id: 3, from: 'Болат', from_id: 'user2', reply_to_message_id: 1, text: 'here' },
      ]),
    );
    const { posts } = await importToQueue(path);
    expect(posts[0]).toMatchObject({
      forward: { fromName: 'Новости', fromChannelId: '-1001001234' },
      author: 'Айгуль',
    });
    expect(posts[1]?.replyTo).toBeUndefined();
    expect(posts[2]).toMatchObject({ replyTo: 1, author: 'Болат' });
  });

  it('keeps U+FEFF inside texts, also when the file splits it across read chunks', async () => {
    const path = join(testTempDir('export'), 'result.json');
    await writeFile(path, `\uFEFF${current([{ ...base, id: 1, text: 'a\uFEFFb' }], 'public_channel')}`);
    const { posts } = await importToQueue(path);
    expect(posts[0]?.text).toBe('a\uFEFFb');
    const bytes = Buffer.from('"x\uFEFFy"');
    for (let cut = 1; cut < bytes.length; cut += 1) {
      const state = { carry: Buffer.alloc(0), start: false };
      const out = Buffer.concat([
        keepInnerBoms(bytes.subarray(0, cut), state),
        keepInnerBoms(bytes.subarray(cut), state),
        state.carry,
      ]);
      expect(restoreBoms(JSON.parse(out.toString()))).toBe('x\uFEFFy');
    }
  });

  it('turns a poll into text: its question and answers are searched and tagged', async () => {
    const path = join(testTempDir('export'), 'result.json');
    await writeFile(
      path,
      current(
        [
          {
            ...base,
            id: 1,
            text: '',
            poll: { question: 'Вы бы поехали?', answers: [{ text: 'Да' }, { text: 'Нет' }] },
          },
        ],
        'public_channel',
      ),
    );
    const { posts } = await importToQueue(path);
    expect(posts[0]).toMatchObject({ text: 'Вы бы поехали?\n- Да\n- Нет', media: [{ kind: 'poll' }] });
  });
});
