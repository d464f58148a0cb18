import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../../tests/support/servers.ts';
import { ChannelRegistry } from '../../channels/registry.ts';
import { fakeClock } from '../../clock.ts';
import { createPublisher } from '../../publish/publisher.ts';
import { queuedPosts, ready, silentLog, testPostsQueue } from '../../test/helpers.ts';
import { collectWebChannel, type FetchPage, politeFetcher } from './web-source.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const { redis, prefix } = isolatedServers();
beforeAll(() => ready(redis));

describe('web preview source', () => {
  const queue = testPostsQueue(redis, `${prefix}-web`);

  it('pages back with ?before= to the start, publishes oldest-first, moves the cursor, then finds nothing new', async () => {
    const registry = new ChannelRegistry(redis, `${prefix}-web`);
    await registry.add(['tchantest'], 'web');
    const requested: string[] = [];
    const fetchPage: FetchPage = async (url) => {
      requested.push(url);
      return {
        status: 200,
        body: url.includes('before=100') ? fixture('tme-s-message.html') : fixture('tme-s-page.html'),
      };
    };
    const clock = fakeClock(Date.UTC(2024, 5, 1));
    const publisher = createPublisher({ queue, registry, log: silentLog, clock });
    const deps = {
      fetchPage,
      registry,
      publisher,
      clock,
      log: silentLog,
      intervalMs: 2000,
      maxPages: 10,
      since: new Date('2020-01-01T00:00:00Z'),
    };
    const first = await collectWebChannel(deps, (await registry.get('tchantest'))!);
    expect(first).toEqual({ published: 5, pages: 2, status: 'ok' });
    expect(requested).toEqual(['https://t.me/s/tchantest', 'https://t.me/s/tchantest?before=100']);
    expect(clock.slept).toEqual([2000]);
    const posts = await queuedPosts(queue);
    expect(posts.map((p) => p.messageId)).toEqual([79, 100, 101, 103, 105]);
    expect(posts[1]).toMatchObject({
      channel: { id: '-1001591537674', username: 'tchantest', title: "tchan's test channel" },
      source: 'web',
      metrics: { views: 4200 },
      links: ['https://example.com/a?b=1'],
      forward: { fromUsername: 'other_news', fromMessageId: 555 },
    });
    const entry = (await registry.get('tchantest'))!;
    expect(entry).toMatchObject({ id: '-1001591537674', status: 'ok' });
    expect(await registry.cursor('-1001591537674')).toBe(105);

    const second = await collectWebChannel(deps, entry);
    expect(second).toEqual({ published: 0, pages: 1, status: 'ok' });
    expect(await queuedPosts(queue)).toHaveLength(5);
  });

  it('marks a username without a public preview as invalid and publishes nothing', async () => {
    const registry = new ChannelRegistry(redis, `${prefix}-web2`);
    await registry.add(['no_such_channel'], 'web');
    const clock = fakeClock();
    const result = await collectWebChannel(
      {
        fetchPage: async () => ({ status: 200, body: '<html><body>Join channel</body></html>' }),
        registry,
        publisher: createPublisher({ queue, registry, log: silentLog, clock }),
        clock,
        log: silentLog,
        intervalMs: 1000,
        maxPages: 10,
        since: new Date('2020-01-01T00:00:00Z'),
      },
      (await registry.get('no_such_channel'))!,
    );
    expect(result.status).toBe('invalid');
    expect(await registry.get('no_such_channel')).toMatchObject({ status: 'invalid' });
  });

  it('backs off on HTTP 429, obeying Retry-After, before asking again', async () => {
    const clock = fakeClock();
    const calls: number[] = [];
    const statuses = [429, 429, 200];
    const get = politeFetcher({
      fetchPage: async () => {
        calls.push(clock.now());
        return { status: statuses.shift()!, body: '', retryAfterS: 30 };
      },
      clock,
      log: silentLog,
      intervalMs: 1000,
    });
    expect((await get('https://t.me/s/x')).status).toBe(200);
    expect(calls.length).toBe(3);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(30_000);
    expect(calls[2]! - calls[1]!).toBeGreaterThanOrEqual(30_000);
  });
});
