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

  it('an edit whose history cannot be written leaves the post as it was, and its retry writes both', async () => {
    // As a worker killed between its two requests: the version the edit replaces must be on record
    // before the post changes, or the retry finds the edit in place and the earlier text is gone.
    const first = post(50, 'v1');
    await writePosts(ctx.es, ctx.prefix, [first], { refresh: true });
    const edited = { ...post(50, 'v2'), editedAt: '2026-09-01T12:00:00.000Z', isEdited: true };
    edited.version = Date.parse(edited.editedAt);
    const versions = names.versionsIndex(first.postedAt);
    if (!(await ctx.es.indices.exists({ index: versions }))) await ctx.es.indices.create({ index: versions });
    await ctx.es.indices.addBlock({ index: versions, block: 'write' });
    try {
      await expect(writePosts(ctx.es, ctx.prefix, [edited], { refresh: true, retries: 0 })).rejects.toThrow(
        /bulk items failing/,
      );
    } finally {
      await ctx.es.indices.putSettings({ index: versions, settings: { 'index.blocks.write': false } });
    }
    const untouched = await ctx.es.get<IndexedPost>({
      index: names.postsIndex(first.postedAt),
      id: first.id,
    });
    expect(untouched._source?.text).toBe('v1');

    await writePosts(ctx.es, ctx.prefix, [edited], { refresh: true });
    const current = await ctx.es.get<IndexedPost>({ index: names.postsIndex(first.postedAt), id: first.id });
    expect(current._source?.text).toBe('v2');
    const history = await ctx.es.search<{ text: string }>({
      index: names.versionsPattern,
      query: { term: { postId: first.id } },
    });
    expect(history.hits.hits.map((h) => h._source?.text)).toContain('v1');
  });

  it('a deletion written before its post (another worker) stays: the late post changes nothing and adds no history', async () => {
    const deletion = { ...post(4, 'text'), deletedAt: '2026-09-02T08:00:00.000Z', isDeleted: true };
    expect(await writePosts(ctx.es, ctx.prefix, [deletion], { refresh: true })).toMatchObject({ deleted: 1 });
    const late = await writePosts(ctx.es, ctx.prefix, [post(4, 'text')], { refresh: true });
    expect(late).toMatchObject({ indexed: 0, unchanged: 1 });
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

describe('one document per post, whatever arrives first', () => {
  const get = async (p: IndexedPost) =>
    (await ctx.es.get<IndexedPost>({ index: names.postsIndex(p.postedAt), id: p.id }))._source as IndexedPost;
  const historyOf = async (id: string) => {
    await ctx.es.indices.refresh({ index: names.versionsPattern, allow_no_indices: true });
    const r = await ctx.es.search<{ version: number }>({
      index: names.versionsPattern,
      query: { term: { postId: id } },
      allow_no_indices: true,
      ignore_unavailable: true,
    });
    return r.hits.hits.map((h) => h._source?.version);
  };
  const live = (messageId: number): IndexedPost => ({
    ...post(messageId, 'live text'),
    source: 'telegram',
    metrics: { views: 1200, forwards: 14, replies: 3 },
  });
  const exported = (messageId: number): IndexedPost => ({
    ...post(messageId, 'live text'),
    channel: { id: '-1001234567890', title: 'Writer test' },
    url: `https://t.me/c/1234567890/${messageId}`,
    source: 'export',
    collectedAt: '2026-10-01T00:00:00.000Z',
    metrics: { reactions: { total: 5, byEmoji: { '👍': 5 } } },
  });

  it('a deletion by id that arrives before its post leaves the post deleted when it comes', async () => {
    const p = post(10, 'to be deleted');
    const deletion = {
      kind: 'deletion' as const,
      channel: p.channel,
      messageId: p.messageId,
      deletedAt: '2026-09-01T12:00:00.000Z',
      collectedAt: '2026-09-01T12:00:01.000Z',
      source: 'telegram' as const,
    };
    const first = await writePosts(ctx.es, ctx.prefix, [deletion], { refresh: true });
    expect(first).toMatchObject({ deleted: 1, missing: 1, created: 0 });
    const second = await writePosts(ctx.es, ctx.prefix, [p], { refresh: true });
    expect(second).toMatchObject({ created: 1 });
    expect(await get(p)).toMatchObject({
      isDeleted: true,
      deletedAt: deletion.deletedAt,
      text: 'to be deleted',
    });
  });

  it('a deleted post written before its creation stays deleted when the creation arrives', async () => {
    const p = post(11, 'created');
    await writePosts(ctx.es, ctx.prefix, [{ ...p, deletedAt: '2026-09-01T12:00:00.000Z', isDeleted: true }]);
    await writePosts(ctx.es, ctx.prefix, [p], { refresh: true });
    expect(await get(p)).toMatchObject({ isDeleted: true, deletedAt: '2026-09-01T12:00:00.000Z' });
  });

  it('a deletion by id finds its post in whatever month it lives, without being told postedAt', async () => {
    const p = { ...post(12, 'old month'), postedAt: '2025-03-31T23:30:00.000Z' };
    await writePosts(ctx.es, ctx.prefix, [p], { refresh: true });
    const result = await writePosts(
      ctx.es,
      ctx.prefix,
      [
        {
          kind: 'deletion',
          channel: p.channel,
          messageId: 12,
          deletedAt: '2026-09-02T00:00:00.000Z',
          collectedAt: '2026-09-02T00:00:00.000Z',
          source: 'telegram',
        },
      ],
      { refresh: true },
    );
    expect(result).toMatchObject({ updated: 1, missing: 0 });
    expect(await get(p)).toMatchObject({ isDeleted: true });
  });

  it('an export over a live post keeps its views, forwards, username and URL, and adds what it has', async () => {
    const l = live(20);
    await writePosts(ctx.es, ctx.prefix, [l], { refresh: true });
    const result = await writePosts(ctx.es, ctx.prefix, [exported(20)], { refresh: true });
    expect(result).toMatchObject({ updated: 1, created: 0 });
    const doc = await get(l);
    expect(doc.channel).toEqual({ id: '-1001234567890', username: 'writer_test', title: 'Writer test' });
    expect(doc.url).toBe('https://t.me/writer_test/20');
    expect(doc.metrics).toEqual({
      views: 1200,
      forwards: 14,
      replies: 3,
      reactions: { total: 5, byEmoji: { '👍': 5 } },
    });
    expect(doc.sources).toEqual(['telegram', 'export']);
    const again = await writePosts(ctx.es, ctx.prefix, [exported(20)], { refresh: true });
    expect(again).toMatchObject({ unchanged: 1, updated: 0, created: 0 });
  });

  it('a live post after its export gets the username, URL and figures without a new text version', async () => {
    const e = exported(21);
    await writePosts(ctx.es, ctx.prefix, [e], { refresh: true });
    await writePosts(ctx.es, ctx.prefix, [live(21)], { refresh: true });
    const doc = await get(e);
    expect(doc).toMatchObject({
      url: 'https://t.me/writer_test/21',
      version: e.version,
      metrics: { views: 1200 },
    });
    expect(await historyOf(e.id)).toEqual([]);
  });

  it('the newest edit wins the text whichever order edits arrive in, and both versions are history', async () => {
    const v1 = { ...live(22), text: 'first', editedAt: '2026-09-01T11:00:00.000Z', isEdited: true };
    v1.version = Date.parse(v1.editedAt);
    const v2 = { ...live(22), text: 'second', editedAt: '2026-09-01T12:00:00.000Z', isEdited: true };
    v2.version = Date.parse(v2.editedAt);
    await writePosts(ctx.es, ctx.prefix, [v2], { refresh: true });
    const late = await writePosts(ctx.es, ctx.prefix, [v1], { refresh: true });
    expect(late).toMatchObject({ stale: 1, updated: 0 });
    expect((await get(v1)).text).toBe('second');
    expect((await historyOf(v1.id)).sort()).toEqual([v1.version, v2.version]);
  });

  it('a metrics refresh updates the figures in place, adds an engagement point, and makes no text version', async () => {
    const l = live(23);
    await writePosts(ctx.es, ctx.prefix, [l], { refresh: true });
    const refresh = {
      kind: 'metrics' as const,
      channel: l.channel,
      messageId: 23,
      postedAt: l.postedAt,
      metrics: { views: 5400, forwards: 40 },
      collectedAt: '2026-09-01T11:00:00.000Z',
      source: 'telegram' as const,
    };
    const result = await writePosts(ctx.es, ctx.prefix, [refresh], { refresh: true });
    expect(result).toMatchObject({ updated: 1, versions: 0 });
    const doc = await get(l);
    expect(doc.metrics).toMatchObject({ views: 5400, forwards: 40, replies: 3 });
    expect(doc.version).toBe(l.version);
    expect(doc.engagement).toEqual([
      { at: l.collectedAt, views: 1200, forwards: 14, replies: 3 },
      { at: '2026-09-01T11:00:00.000Z', views: 5400, forwards: 40 },
    ]);
    expect(await historyOf(l.id)).toEqual([]);
    // The same refresh delivered twice changes nothing.
    expect(await writePosts(ctx.es, ctx.prefix, [refresh])).toMatchObject({ unchanged: 1 });
  });

  it('two batches writing the same post at once both land (an edit and a metrics refresh)', async () => {
    const l = live(24);
    await writePosts(ctx.es, ctx.prefix, [l], { refresh: true });
    const edit = { ...l, text: 'edited', editedAt: '2026-09-01T13:00:00.000Z', isEdited: true };
    edit.version = Date.parse(edit.editedAt);
    const metricsRefresh = {
      kind: 'metrics' as const,
      channel: l.channel,
      messageId: 24,
      postedAt: l.postedAt,
      metrics: { views: 9000 },
      collectedAt: '2026-09-01T14:00:00.000Z',
      source: 'telegram' as const,
    };
    await Promise.all([
      writePosts(ctx.es, ctx.prefix, [edit]),
      writePosts(ctx.es, ctx.prefix, [metricsRefresh]),
      writePosts(ctx.es, ctx.prefix, [{ ...metricsRefresh, metrics: { views: 8000 } }]),
    ]);
    const doc = await get(l);
    expect(doc.text).toBe('edited');
    expect(doc.metrics.views).toBe(9000);
  });
});
