import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectedPost } from '@cw/domain';
import { createQueue } from '@cw/queues';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../../tests/support/servers.ts';
import { testTempDir } from '../../../../../tests/support/temp-dir.ts';
import { fakeClock } from '../../clock.ts';
import { createPublisher } from '../../publish/publisher.ts';
import { queuedPosts, ready, silentLog, testPostsQueue } from '../../test/helpers.ts';
import { exportText } from './export-message.ts';
import { importExport } from './import-export.ts';

const { redis, prefix } = isolatedServers();
beforeAll(() => ready(redis));
const fixture = new URL('./fixtures/result.json', import.meta.url).pathname;

describe('Telegram Desktop export import', () => {
  const queue = testPostsQueue(redis, `${prefix}-export`);

  it('imports a file with both text forms exactly onto the queue', async () => {
    const clock = fakeClock(Date.UTC(2024, 0, 1));
    const publisher = createPublisher({ queue, log: silentLog, clock });
    const seen: number[] = [];
    const result = await importExport(fixture, {
      publisher,
      clock,
      username: 'tchantest',
      onProgress: (p) => seen.push(p.bytes),
    });
    expect(result).toMatchObject({ messages: 4, published: 3, skipped: 1 });
    expect(seen.at(-1)).toBe(result.totalBytes);
    const posts = (await queuedPosts(queue)).sort((a, b) => a.messageId - b.messageId);
    const channel = { id: '-1001591537674', username: 'tchantest', title: "tchan's test channel" };
    expect(posts).toEqual([
      {
        channel,
        messageId: 2,
        postedAt: '2023-02-20T10:00:00.000Z',
        collectedAt: '2024-01-01T00:00:00.000Z',
        text: 'Plain text, with "quotes" and a brace } inside',
        media: [],
        metrics: {},
        source: 'export',
      },
      {
        channel,
        messageId: 3,
        postedAt: '2023-02-21T06:15:30.000Z',
        editedAt: '2023-02-21T07:00:00.000Z',
        collectedAt: '2024-01-01T00:00:00.000Z',
        text: 'Read this: https://example.com/x and that #news',
        links: ['https://example.com/x', 'https://example.org/y'],
        author: 'Álvaro Justen',
        forward: { fromName: 'Other News' },
        media: [{ kind: 'photo' }],
        metrics: { reactions: { total: 5, byEmoji: { '👍': 3, '🔥': 2 } } },
        source: 'export',
      },
      {
        channel,
        messageId: 5,
        postedAt: '2023-02-22T08:00:00.000Z',
        collectedAt: '2024-01-01T00:00:00.000Z',
        text: 'Привет, мир ✓',
        replyTo: 3,
        media: [{ kind: 'voice' }],
        metrics: {},
        source: 'export',
      },
    ]);
  });

  it('streams a large export in chunks, in batches of at most 500, without losing a message', async () => {
    const big = createQueue('posts', { connection: redis, prefix: `${prefix}-export-big` });
    const dir = testTempDir('export');
    const path = join(dir, 'result.json');
    const messages = Array.from({ length: 1203 }, (_, i) => ({
      id: i + 1,
      type: 'message',
      date: '2023-03-01T00:00:00',
      date_unixtime: String(1677628800 + i * 60),
      text: i % 2 ? `message ${i + 1} ${'x'.repeat(500)}` : ['part ', { type: 'bold', text: `${i + 1}` }],
    }));
    await writeFile(path, JSON.stringify({ name: 'Big', type: 'public_channel', id: 42, messages }, null, 1));
    const clock = fakeClock();
    const chunks: number[] = [];
    const result = await importExport(path, {
      publisher: createPublisher({ queue: big, log: silentLog, clock }),
      clock,
      onProgress: (p) => chunks.push(p.bytes),
    });
    expect(result.published).toBe(1203);
    expect(chunks.length).toBeGreaterThan(2);
    const jobs = await big.getJobs(['waiting']);
    expect(jobs.map((j) => (j.data as { posts: unknown[] }).posts.length).sort()).toEqual([203, 500, 500]);
    const ids = (await queuedPosts(big)).map((p) => p.messageId).sort((a, b) => a - b);
    expect(ids).toEqual(messages.map((m) => m.id));
    await big.obliterate({ force: true });
    await big.close();
  });

  it('sends a message without a usable date or id on, so the pipeline files it in rejects', async () => {
    const odd = createQueue('posts', { connection: redis, prefix: `${prefix}-export-odd` });
    const dir = testTempDir('export');
    const path = join(dir, 'result.json');
    const messages = [
      { id: 1, type: 'service', date: '2023-03-01T00:00:00', date_unixtime: '1677628800', action: 'pin' },
      { id: 2, type: 'message', date: '2023-03-01T00:01:00', date_unixtime: '1677628860', text: 'fine' },
      { id: 3, type: 'message', text: 'no date at all' },
      { type: 'message', date: '2023-03-01T00:02:00', date_unixtime: '1677628920', text: 'no id' },
    ];
    await writeFile(path, JSON.stringify({ name: 'Odd', type: 'public_channel', id: 43, messages }));
    const clock = fakeClock();
    const result = await importExport(path, {
      publisher: createPublisher({ queue: odd, log: silentLog, clock }),
      clock,
    });
    expect(result).toMatchObject({ messages: 4, published: 1, malformed: 2, skipped: 1 });
    const queued = (await odd.getJobs(['waiting'])).flatMap((j) => (j.data as { posts: unknown[] }).posts);
    expect(queued).toHaveLength(3);
    const verdicts = queued.map((item) => collectedPost.safeParse(item));
    expect(verdicts.map((v) => v.success)).toEqual([true, false, false]);
    const reasons = verdicts.flatMap((v) => (v.success ? [] : v.error.issues.map((i) => i.path.join('.'))));
    expect(reasons).toEqual(expect.arrayContaining(['postedAt', 'messageId']));
    expect(queued[1]).toMatchObject({ source: 'export', exportMessage: { id: 3, text: 'no date at all' } });
    await odd.obliterate({ force: true });
    await odd.close();
  });

  it('joins text parts, keeping hidden links', () => {
    expect(exportText([{ type: 'text_link', text: 'here', href: 'https://a.b/c' }, ' now'])).toEqual({
      text: 'here now',
      links: ['https://a.b/c'],
    });
  });
});
