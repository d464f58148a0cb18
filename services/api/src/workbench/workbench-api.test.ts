import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePosts } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import { hashApiKey, parseApiKeys } from '../auth.ts';
import { COPY_TEXT, dataset, END, KEY, loadDataset, START, testApp, toIndexed } from '../testing/load.ts';
import { prepareWorkbench, type WorkbenchAssets } from './build.ts';

// The endpoints the workbench adds, over the API tests' generated data: the page and its headers,
// sign-in links, feedback and precision, a post with its versions, a cluster's member posts.

const ctx = isolatedServers();
const posts = dataset();
const OTHER = 'second-key-19ab';
const keys = parseApiKeys(`tester:${hashApiKey(KEY)},other:${hashApiKey(OTHER)}`);
const cacheDir = mkdtempSync(join(tmpdir(), 'cw-workbench-api-'));
let assets: WorkbenchAssets;
let app: FastifyInstance;

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const tagged = posts.find((p) => p.labels.narratives.includes('alpha_claims'));
const untagged = posts.find((p) => p.labels.narratives.length === 0);
const idOf = (p: { channel: { id: string }; messageId: number }) => `${p.channel.id}_${p.messageId}`;

beforeAll(async () => {
  await loadDataset(ctx.es, ctx.prefix, posts);
  assets = await prepareWorkbench(cacheDir);
  app = await testApp(ctx.es, ctx.prefix, { auth: keys, workbench: assets });
}, 60_000);
afterAll(async () => {
  await app?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('the page', () => {
  it('is served without a key, with a CSP that allows no inline code, and its files gzipped', async () => {
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const script = /src="\/assets\/([^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const js = await app.inject({ url: `/assets/${script}`, headers: { 'accept-encoding': 'gzip' } });
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/assets/nope.js' })).statusCode).toBe(404);
  });

  it('is built once when several APIs start together on one cache, and each gets the whole bundle', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'cw-workbench-race-'));
    try {
      const all = await Promise.all([1, 2, 3].map(() => prepareWorkbench(shared)));
      expect(all.filter((a) => a.built).length).toBeGreaterThanOrEqual(1);
      expect(new Set(all.map((a) => a.dir)).size).toBe(1);
      for (const a of all)
        expect([...a.files.keys()].sort()).toEqual([...(all[0]?.files.keys() ?? [])].sort());
      expect(readdirSync(join(shared, 'workbench'))).toEqual([all[0]?.dir.split('/').pop()]);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('is rebuilt only when the sources change: a second start reuses the bundle', async () => {
    const again = await prepareWorkbench(cacheDir);
    expect(again.built).toBe(false);
    expect(again.dir).toBe(assets.dir);
  });
});

describe('sign-in links', () => {
  it('trade once for a session that acts as the key; the link token itself is no key', async () => {
    const link = await app.inject({ method: 'POST', url: '/v1/sign-in-links', headers: as(KEY) });
    expect(link.statusCode).toBe(201);
    const { token, path } = link.json() as { token: string; path: string };
    expect(path).toBe(`/#signin=${token}`);
    expect((await app.inject({ url: '/v1/narratives', headers: as(token) })).statusCode).toBe(401);
    const trade = () => app.inject({ method: 'POST', url: '/v1/sessions', payload: { token } });
    const first = await trade();
    expect(first.statusCode).toBe(201);
    const { session, name } = first.json() as { session: string; name: string };
    expect(name).toBe('tester');
    expect((await trade()).statusCode).toBe(401);
    expect((await app.inject({ url: '/v1/narratives', headers: as(session) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/sign-in-links' })).statusCode).toBe(401);
  });
});

describe('feedback', () => {
  const put = (key: string, payload: Record<string, unknown>) =>
    app.inject({ method: 'PUT', url: '/v1/feedback', headers: as(key), payload });

  it('refuses a bad verdict with the parameter named, and a verdict that does not fit the post', async () => {
    if (!tagged || !untagged) throw new Error('dataset lacks a tagged or an untagged post');
    const bad = await put(KEY, { postId: 'x', narrative: 'alpha_claims', verdict: 'maybe' });
    expect(bad.statusCode).toBe(400);
    const params = (bad.json() as { problems: { parameter: string }[] }).problems.map((p) => p.parameter);
    expect(params.sort()).toEqual(['postId', 'verdict']);
    const unknown = await put(KEY, { postId: idOf(tagged), narrative: 'nope_claims', verdict: 'reject' });
    expect(unknown.statusCode).toBe(400);
    expect(
      (await put(KEY, { postId: idOf(untagged), narrative: 'alpha_claims', verdict: 'reject' })).statusCode,
    ).toBe(400);
    expect(
      (await put(KEY, { postId: idOf(tagged), narrative: 'alpha_claims', verdict: 'add' })).statusCode,
    ).toBe(400);
    expect(
      (await put(KEY, { postId: '-1_999999', narrative: 'alpha_claims', verdict: 'reject' })).statusCode,
    ).toBe(404);
  });

  it("keeps each key's last verdict, and measures precision from them", async () => {
    if (!tagged || !untagged) throw new Error('dataset lacks a tagged or an untagged post');
    const id = idOf(tagged);
    expect((await put(KEY, { postId: id, narrative: 'alpha_claims', verdict: 'confirm' })).statusCode).toBe(
      200,
    );
    const second = await put(KEY, {
      postId: id,
      narrative: 'alpha_claims',
      verdict: 'reject',
      note: 'a debunk',
    });
    expect(second.json()).toMatchObject({ verdict: 'reject', key: 'tester', tagged: true, note: 'a debunk' });
    expect((await put(OTHER, { postId: id, narrative: 'alpha_claims', verdict: 'confirm' })).statusCode).toBe(
      200,
    );
    expect(
      (await put(OTHER, { postId: idOf(untagged), narrative: 'beta_claims', verdict: 'add' })).statusCode,
    ).toBe(200);

    const list = await app.inject({ url: `/v1/feedback?postId=${id}`, headers: as(KEY) });
    const verdicts = (list.json() as { feedback: { key: string; verdict: string }[] }).feedback;
    expect(verdicts.map((v) => `${v.key}:${v.verdict}`).sort()).toEqual(['other:confirm', 'tester:reject']);

    const precision = await app.inject({ url: '/v1/feedback/precision', headers: as(KEY) });
    const rows = (precision.json() as { narratives: { narrative: string }[] }).narratives;
    expect(rows).toEqual([
      { narrative: 'alpha_claims', confirmed: 1, rejected: 1, added: 0, precision: 0.5 },
      { narrative: 'beta_claims', confirmed: 0, rejected: 0, added: 1, precision: null },
      { narrative: 'gamma_claims', confirmed: 0, rejected: 0, added: 0, precision: null },
    ]);
  });

  it('counts only the verdicts of the last `days`', async () => {
    const later = await testApp(ctx.es, ctx.prefix, {
      auth: keys,
      now: () => new Date(Date.parse(END) + 31 * 86_400_000),
    });
    try {
      const res = await later.inject({ url: '/v1/feedback/precision', headers: as(KEY) });
      const rows = (res.json() as { narratives: { confirmed: number; rejected: number; added: number }[] })
        .narratives;
      expect(rows.every((r) => r.confirmed + r.rejected + r.added === 0)).toBe(true);
      const longer = await later.inject({ url: '/v1/feedback/precision?days=60', headers: as(KEY) });
      expect((longer.json() as { narratives: { rejected: number }[] }).narratives[0]?.rejected).toBe(1);
      expect(
        (await later.inject({ url: '/v1/feedback/precision?days=0', headers: as(KEY) })).statusCode,
      ).toBe(400);
    } finally {
      await later.close();
    }
  });
});

describe('post detail and cluster members', () => {
  it('returns a post with its earlier versions, oldest first', async () => {
    const base = posts[0];
    if (!base) throw new Error('empty dataset');
    const { labels: _labels, ...plain } = base;
    const v1 = {
      ...plain,
      messageId: 50_001,
      text: 'первая версия текста',
      editedAt: undefined,
      deletedAt: undefined,
      // Not a forward: the forward-sources test counts the dataset's forwards.
      forward: undefined,
    };
    const v2 = {
      ...v1,
      text: 'вторая версия текста',
      editedAt: new Date(Date.parse(base.postedAt) + 60_000).toISOString(),
    };
    await writePosts(ctx.es, ctx.prefix, toIndexed([{ ...v1, labels: base.labels }]), { refresh: true });
    await writePosts(ctx.es, ctx.prefix, toIndexed([{ ...v2, labels: base.labels }]), { refresh: true });
    await ctx.es.indices.refresh({ index: `${ctx.prefix}-*` });
    const res = await app.inject({ url: `/v1/posts/${base.channel.id}_50001`, headers: as(KEY) });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { post: { text: string; isEdited: boolean }; versions: { text: string }[] };
    expect(body.post).toMatchObject({ text: 'вторая версия текста', isEdited: true });
    expect(body.versions.map((v) => v.text)).toContain('первая версия текста');
    expect((await app.inject({ url: '/v1/posts/-1_424242', headers: as(KEY) })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/posts/not-an-id', headers: as(KEY) })).statusCode).toBe(400);
  });

  it("lists every member post of a copy-paste cluster from the cluster's fingerprints", async () => {
    const found = await app.inject({
      url: `/v1/clusters?from=${START}&to=${END}&minChannels=3`,
      headers: as(KEY),
    });
    const clusters = (
      found.json() as { clusters: { posts: number; fingerprints: string[]; first: { text: string } }[] }
    ).clusters;
    const campaign = clusters.find((c) => c.first.text.startsWith(COPY_TEXT.slice(0, 30)));
    expect(campaign).toBeDefined();
    const members = await app.inject({
      url: `/v1/clusters/posts?fingerprint=${campaign?.fingerprints.join(',')}&from=${START}&to=${END}`,
      headers: as(KEY),
    });
    const list = (members.json() as { posts: { postedAt: string; text: string }[] }).posts;
    expect(list).toHaveLength(campaign?.posts ?? -1);
    expect(list.map((p) => p.postedAt)).toEqual(list.map((p) => p.postedAt).sort());
    const bad = await app.inject({ url: '/v1/clusters/posts?fingerprint=xyz', headers: as(KEY) });
    expect(bad.statusCode).toBe(400);
  });

  it("counts a channel's forwards per origin channel", async () => {
    const channel = posts[0]?.channel;
    if (!channel) throw new Error('empty dataset');
    const forwarded = posts.filter((p) => p.channel.id === channel.id && p.forward).length;
    expect(forwarded).toBeGreaterThan(0);
    const res = await app.inject({
      url: `/v1/channels/forward-sources?channel=${channel.username}&from=${START}&to=${END}`,
      headers: as(KEY),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      forwards: forwarded,
      sources: [{ id: '-1009999999999', posts: forwarded }],
    });
  });

  it('documents every endpoint the page calls, with response schemas', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses?: Record<string, { content?: unknown }> }>>;
    };
    for (const [path, method] of [
      ['/v1/sign-in-links', 'post'],
      ['/v1/sessions', 'post'],
      ['/v1/feedback', 'put'],
      ['/v1/feedback', 'get'],
      ['/v1/feedback/precision', 'get'],
      ['/v1/posts/{id}', 'get'],
      ['/v1/clusters/posts', 'get'],
      ['/v1/channels/forward-sources', 'get'],
    ] as const) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      const ok = op?.responses?.['200'] ?? op?.responses?.['201'];
      expect(ok?.content, `${method} ${path} response schema`).toBeDefined();
      const named = path === '/v1/posts/{id}' || (path === '/v1/feedback' && method === 'put');
      for (const status of ['400', '401', '429', '500', '503', ...(named ? ['404'] : [])]) {
        expect(op?.responses?.[status]?.content, `${method} ${path} ${status}`).toBeDefined();
      }
    }
  });
});

describe('parameters as the document states them', () => {
  const problems = async (res: { statusCode: number; json: () => unknown }) => {
    expect(res.statusCode).toBe(400);
    return (res.json() as { problems: { parameter: string }[] }).problems.map((p) => p.parameter);
  };

  it('reads postId and fingerprint repeated or comma-separated, and refuses empty items and unknown names', async () => {
    if (!tagged || !untagged) throw new Error('dataset lacks a tagged or an untagged post');
    const [a, b] = [idOf(tagged), idOf(untagged)];
    await app.inject({
      method: 'PUT',
      url: '/v1/feedback',
      headers: as(KEY),
      payload: { postId: b, narrative: 'beta_claims', verdict: 'add' },
    });
    const repeated = await app.inject({ url: `/v1/feedback?postId=${a}&postId=${b}`, headers: as(KEY) });
    const joined = await app.inject({ url: `/v1/feedback?postId=${a},${b}`, headers: as(KEY) });
    expect(repeated.statusCode).toBe(200);
    expect(repeated.json()).toEqual(joined.json());
    expect((repeated.json() as { feedback: { postId: string }[] }).feedback.map((f) => f.postId)).toContain(
      b,
    );
    expect(await problems(await app.inject({ url: `/v1/feedback?postId=${a},`, headers: as(KEY) }))).toEqual([
      'postId',
    ]);
    expect(await problems(await app.inject({ url: '/v1/feedback', headers: as(KEY) }))).toEqual(['postId']);
    expect(
      await problems(await app.inject({ url: '/v1/feedback/precision?days=1e1', headers: as(KEY) })),
    ).toEqual(['days']);
    expect(
      await problems(
        await app.inject({
          url: '/v1/clusters/posts?fingerprint=0000000000000000&limit=5',
          headers: as(KEY),
        }),
      ),
    ).toEqual(['limit']);
    expect(
      await problems(
        await app.inject({
          url: '/v1/clusters/posts?fingerprint=0000000000000000&from=1999-12-31',
          headers: as(KEY),
        }),
      ),
    ).toEqual(['from']);
  });

  it('refuses a body field it does not know, and a sign-in token that cannot be one, naming them', async () => {
    if (!tagged) throw new Error('dataset lacks a tagged post');
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/feedback',
      headers: as(KEY),
      payload: { postId: idOf(tagged), narrative: 'alpha_claims', verdict: 'confirm', notes: 'typo' },
    });
    expect(await problems(put)).toEqual(['notes']);
    const trade = await app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { token: 'not a token!' },
    });
    expect(await problems(trade)).toEqual(['token']);
    const unknown = await app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { token: 'cwl_unknown' },
    });
    expect(unknown.statusCode).toBe(401);
  });
});
