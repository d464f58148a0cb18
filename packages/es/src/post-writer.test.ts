import type { IndexedPost } from '@cw/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { installIndices } from './install.ts';
import { indexNames } from './names.ts';
import { writePosts } from './post-writer.ts';

const ctx = isolatedServers();
const names = indexNames(ctx.prefix);
beforeAll(() => installIndices(ctx.es, ctx.prefix));

function post(messageId: number, text: string): IndexedPost {
  const postedAt = '2026-09-01T10:00:00.000Z';
  return {
    channel: { id: '-1001234567890', username: 'writer_test' },
    messageId,
    postedAt,
    collectedAt: '2026-09-01T10:00:05.000Z',
    text,
    media: [],
    metrics: {},
    source: 'replay',
    id: `-1001234567890_${messageId}`,
    url: `https://t.me/writer_test/${messageId}`,
    entities: { urls: [], domains: [], hashtags: [], mentions: [], channelLinks: [] },
    lang: 'ru',
    langConfidence: 1,
    narratives: [],
    narrativeEvidence: [],
    fingerprint: '0123456789abcdef',
    fingerprintBands: ['0:0123', '1:4567', '2:89ab', '3:cdef'],
    textStems: text.toLowerCase(),
    isForward: false,
    isEdited: false,
    isDeleted: false,
    version: Date.parse(postedAt),
  };
}

describe('writePosts', () => {
  it('indexes the documents that fit and files one Elasticsearch refuses in rejects, with its reason and bytes', async () => {
    const good = post(1, 'Казахстан 🇰🇿 — ровно то, что пришло');
    const odd = { ...post(2, 'Қазақстан арқылы келді'), undeclared: 'not in the mapping' } as IndexedPost;
    const result = await writePosts(ctx.es, ctx.prefix, [good, odd], { refresh: true, jobId: 'job-7' });

    expect(result).toMatchObject({ indexed: 1, stale: 0, deleted: 0 });
    expect(result.rejects).toHaveLength(1);
    const stored = await ctx.es.get<IndexedPost>({ index: names.postsIndex(good.postedAt), id: good.id });
    expect(stored._source?.text).toBe(good.text);

    const rejects = await ctx.es.search<{ stage: string; reason: string; raw: string; jobId: string }>({
      index: names.rejects,
    });
    const reject = rejects.hits.hits[0]?._source;
    expect(reject).toMatchObject({ stage: 'index', jobId: 'job-7' });
    expect(reject?.reason).toMatch(/strict_dynamic_mapping|undeclared/);
    expect(JSON.parse(reject?.raw ?? '{}')).toMatchObject({
      id: odd.id,
      text: odd.text,
      undeclared: 'not in the mapping',
    });
  });

  it('keeps a late, older version as history and the newer one current', async () => {
    const newer = { ...post(3, 'v2'), editedAt: '2026-09-01T11:00:00.000Z', isEdited: true };
    newer.version = Date.parse(newer.editedAt);
    await writePosts(ctx.es, ctx.prefix, [newer], { refresh: true });
    const result = await writePosts(ctx.es, ctx.prefix, [post(3, 'v1')], { refresh: true });

    expect(result).toMatchObject({ indexed: 0, stale: 1 });
    const current = await ctx.es.get<IndexedPost>({ index: names.postsIndex(newer.postedAt), id: newer.id });
    expect(current._source?.text).toBe('v2');
    const history = await ctx.es.search<{ text: string }>({
      index: names.versionsPattern,
      query: { term: { postId: newer.id } },
    });
    expect(history.hits.hits.map((h) => h._source?.text).sort()).toEqual(['v1', 'v2']);
  });

  it('a deletion written before its post (another worker) stays: the late post is refused, not added to history', async () => {
    const deletion = { ...post(4, 'text'), deletedAt: '2026-09-02T08:00:00.000Z', isDeleted: true };
    expect(await writePosts(ctx.es, ctx.prefix, [deletion], { refresh: true })).toMatchObject({ deleted: 1 });
    const late = await writePosts(ctx.es, ctx.prefix, [post(4, 'text')], { refresh: true });
    expect(late).toMatchObject({ indexed: 0, stale: 1 });
    const current = await ctx.es.get<IndexedPost>({
      index: names.postsIndex(deletion.postedAt),
      id: deletion.id,
    });
    expect(current._source?.deletedAt).toBe('2026-09-02T08:00:00.000Z');
    expect(current._source?.text).toBe('text');
    const history = await ctx.es.count({
      index: names.versionsPattern,
      query: { term: { postId: deletion.id } },
    });
    expect(history.count).toBe(0);
  });

  it('a deletion keeps the newest text already indexed and its edit time', async () => {
    const edited = { ...post(5, 'edited'), editedAt: '2026-09-01T12:00:00.000Z', isEdited: true };
    edited.version = Date.parse(edited.editedAt);
    await writePosts(ctx.es, ctx.prefix, [edited], { refresh: true });
    const deletion = { ...post(5, 'original'), deletedAt: '2026-09-02T08:00:00.000Z', isDeleted: true };
    await writePosts(ctx.es, ctx.prefix, [deletion], { refresh: true });
    const current = await ctx.es.get<IndexedPost>({
      index: names.postsIndex(edited.postedAt),
      id: edited.id,
    });
    expect(current._source).toMatchObject({ text: 'edited', editedAt: edited.editedAt, isDeleted: true });
  });
});
