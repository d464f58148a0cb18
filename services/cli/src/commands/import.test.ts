import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectedPost, type IndexedPost } from '@cw/domain';
import { compileNarratives, DEFAULT_NARRATIVES_DIR, loadNarrativeDefinitions } from '@cw/enrichment';
import { indexNames, installIndices, writePosts } from '@cw/es';
import { createLogger } from '@cw/logging';
import { startPostsWorker, toIndexedPost } from '@cw/pipeline';
import { createRedis } from '@cw/redis';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../../../tests/support/command-io.ts';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import { testTempDir } from '../../../../tests/support/temp-dir.ts';
import { run } from './import.ts';

// `cw import` end to end: a real export through the real pipeline worker into Elasticsearch.

const ctx = isolatedServers();
const names = indexNames(ctx.prefix);
const narratives = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
const fixture = new URL(
  '../../../collector/src/sources/export/fixtures/real/tg2md-2021-private-channel.json',
  import.meta.url,
).pathname;
let worker: Worker;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  await installIndices(ctx.es, ctx.prefix);
  for (const key of ['CW_QUEUE_PREFIX', 'CW_INDEX_PREFIX']) saved[key] = process.env[key];
  process.env['CW_QUEUE_PREFIX'] = ctx.prefix;
  process.env['CW_INDEX_PREFIX'] = ctx.prefix;
  worker = startPostsWorker({
    connection: createRedis(ctx.redisUrl, 'worker'),
    prefix: ctx.prefix,
    es: ctx.es,
    indexPrefix: ctx.prefix,
    log: createLogger({ service: 'import-test', level: 'silent' }),
    concurrency: 2,
    enrichContext: () => ({ narratives }),
  });
});

afterAll(async () => {
  await worker.close();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

async function cwImport(...args: string[]) {
  const capture = captureIo('');
  const code = await run([fixture, '--wait-s', '60', ...args], capture.io);
  return { code, out: capture.out(), err: capture.err() };
}

describe('cw import', () => {
  it('over live posts keeps their views, username and URL; a re-import changes nothing and says so', async () => {
    // Message 2 was collected live first, with its username and figures.
    const live = collectedPost.parse({
      channel: { id: '-1001292077344', username: 'tg2md_test' },
      messageId: 2,
      postedAt: '2020-11-12T12:54:07.000Z',
      collectedAt: '2020-11-13T00:00:00.000Z',
      text: 'test text post',
      metrics: { views: 321, forwards: 4 },
      source: 'telegram',
    });
    await writePosts(ctx.es, ctx.prefix, [toIndexedPost(live, { narratives })], { refresh: true });

    const first = await cwImport();
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/new 15, updated 1, unchanged 0, rejected 0/);
    expect(first.out).toMatch(/2 album messages joined to their album's post/);
    expect(first.out).toMatch(/18 messages had no date_unixtime: their times were read as UTC/);

    const doc = (
      await ctx.es.get<IndexedPost>({ index: names.postsIndex(live.postedAt), id: '-1001292077344_2' })
    )._source as IndexedPost;
    expect(doc).toMatchObject({
      url: 'https://t.me/tg2md_test/2',
      channel: { username: 'tg2md_test', title: 'test' },
      metrics: { views: 321, forwards: 4 },
    });
    await ctx.es.indices.refresh({ index: `${ctx.prefix}-*` });
    expect((await ctx.es.count({ index: names.posts })).count).toBe(16);

    const again = await cwImport();
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/new 0, updated 0, unchanged 16, rejected 0/);
    expect(again.out).toContain('nothing new');
  });

  it('reports a truncated file in one line and exits 1', async () => {
    const bytes = await readFile(fixture);
    const path = join(testTempDir('import'), 'result.json');
    await writeFile(path, bytes.subarray(0, 2000));
    const capture = captureIo('');
    const code = await run([path, '--wait-s', '0'], capture.io);
    const err = capture.err();
    expect(code).toBe(1);
    const lines = err.split('\n').filter((l) => l.startsWith('cw import:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/not a complete JSON export.*posts enqueued before that point/);
  });

  it('refuses an unknown --tz before reading anything', async () => {
    const capture = captureIo('');
    expect(await run([fixture, '--tz', 'Mars/Olympus'], capture.io)).toBe(2);
    expect(capture.err()).toMatch(/--tz: unknown time zone 'Mars\/Olympus'/);
  });
});
