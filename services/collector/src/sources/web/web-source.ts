import type { CollectedPostInput } from '@cw/domain';
import type { Logger } from '@cw/logging';
import type { ChannelEntry, ChannelRegistry } from '../../channels/registry.ts';
import type { Clock } from '../../clock.ts';
import type { Publisher } from '../../publish/publisher.ts';
import { parsePage, type WebMessage } from './parse-page.ts';

// Collects a channel from its public web preview: newest page first, back with ?before= until the
// cursor (or the backfill date) is reached, then publishes oldest-first so the cursor moves in order.

export type FetchPage = (url: string) => Promise<{ status: number; body: string; retryAfterS?: number }>;

export const fetchPage: FetchPage = async (url) => {
  const response = await fetch(url, {
    headers: { 'user-agent': 'channelwatch/0.1 (research; public channels)', accept: 'text/html' },
    redirect: 'follow',
    signal: AbortSignal.timeout(30_000),
  });
  const retryAfter = Number(response.headers.get('retry-after'));
  return {
    status: response.status,
    body: await response.text(),
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterS: retryAfter } : {}),
  };
};

export type WebDeps = {
  fetchPage: FetchPage;
  registry: ChannelRegistry;
  publisher: Publisher;
  clock: Clock;
  log: Logger;
  intervalMs: number;
  maxPages: number;
  since: Date;
  signal?: AbortSignal;
};

export type WebResult = { published: number; pages: number; status: 'ok' | 'invalid' };

/** Paces requests (one per intervalMs) and backs off on 429 / 5xx, obeying Retry-After. */
export function politeFetcher(deps: Pick<WebDeps, 'fetchPage' | 'clock' | 'log' | 'intervalMs' | 'signal'>) {
  let last = Number.NEGATIVE_INFINITY;
  return async (url: string): Promise<{ status: number; body: string }> => {
    for (let attempt = 0; ; attempt++) {
      const wait = last + deps.intervalMs - deps.clock.now();
      if (wait > 0) await deps.clock.sleep(wait, deps.signal);
      last = deps.clock.now();
      const response = await deps.fetchPage(url);
      if (response.status !== 429 && response.status < 500) return response;
      if (attempt >= 5)
        throw new Error(`web preview: HTTP ${response.status} for ${url} after ${attempt + 1} tries`);
      const backoffMs = Math.max((response.retryAfterS ?? 0) * 1000, deps.intervalMs * 2 ** (attempt + 1));
      deps.log.warn({ url, status: response.status, backoffMs }, 'web preview: backing off');
      await deps.clock.sleep(backoffMs, deps.signal);
    }
  };
}

export async function collectWebChannel(
  deps: WebDeps,
  entry: ChannelEntry,
  get = politeFetcher(deps),
): Promise<WebResult> {
  const cursor = entry.id ? await deps.registry.cursor(entry.id) : 0;
  const base = `https://t.me/s/${entry.username}`;
  const found = new Map<number, WebMessage>();
  // Without a cursor the page limit bounds the first pass; with one, walking on to it avoids a gap.
  const maxPages = cursor > 0 ? deps.maxPages * 10 : deps.maxPages;
  let before: number | undefined;
  let pages = 0;
  while (pages < maxPages && !deps.signal?.aborted) {
    const response = await get(before ? `${base}?before=${before}` : base);
    pages += 1;
    if (response.status === 404) break;
    const page = parsePage(response.body);
    for (const m of page.messages) if (m.messageId > cursor) found.set(m.messageId, m);
    const oldest = page.messages[0];
    if (!oldest || !page.before || oldest.messageId <= cursor + 1) break;
    if (cursor === 0 && oldest.postedAt && Date.parse(oldest.postedAt) < deps.since.getTime()) break;
    before = page.before;
  }
  if (pages >= maxPages && cursor > 0) {
    deps.log.warn(
      { channel: entry.username, cursor, pages },
      'web preview: page limit reached before the cursor',
    );
  }
  if (pages === 1 && found.size === 0 && !entry.id) {
    await deps.registry.update({
      ...entry,
      status: 'invalid',
      error: 'no public web preview (unknown or private)',
    });
    deps.log.warn({ channel: entry.username }, 'web preview: no messages; not a public channel? skipped');
    return { published: 0, pages, status: 'invalid' };
  }
  const messages = [...found.values()]
    .filter((m) => cursor > 0 || !m.postedAt || Date.parse(m.postedAt) >= deps.since.getTime())
    .sort((a, b) => a.messageId - b.messageId);
  const channelId = entry.id ?? messages.find((m) => m.channelId)?.channelId;
  const title = messages.findLast((m) => m.channelTitle)?.channelTitle ?? entry.title;
  if (channelId && (channelId !== entry.id || title !== entry.title || entry.status !== 'ok')) {
    await deps.registry.update({ ...entry, id: channelId, status: 'ok', ...(title ? { title } : {}) });
  }
  if (!channelId) {
    deps.log.warn({ channel: entry.username }, 'web preview: channel id unknown (no data-view); skipped');
    return { published: 0, pages, status: 'ok' };
  }
  const now = new Date(deps.clock.now()).toISOString();
  const posts = messages.flatMap((m) => {
    const post = webMessageToPost(m, { id: channelId, username: entry.username, title }, now);
    return post ? [post] : [];
  });
  await deps.publisher.publish('web', posts, { moveCursor: true });
  return { published: posts.length, pages, status: 'ok' };
}

export function webMessageToPost(
  m: WebMessage,
  channel: { id: string; username: string; title?: string | undefined },
  collectedAt: string,
): CollectedPostInput | undefined {
  if (!m.postedAt) return undefined;
  const post: CollectedPostInput = {
    channel: {
      id: channel.id,
      username: channel.username,
      ...(channel.title ? { title: channel.title } : {}),
    },
    messageId: m.messageId,
    postedAt: m.postedAt,
    collectedAt,
    text: [m.text, m.attachedText].filter(Boolean).join('\n\n'),
    media: m.media,
    metrics: m.views !== undefined ? { views: m.views } : {},
    source: 'web',
  };
  // The preview says "edited" but not when: the time it was seen edited is the version (an upper
  // bound); the writer keeps an earlier, exact edit time from Telegram when the text is the same.
  if (m.edited) post.editedAt = collectedAt;
  if (m.links.length > 0) post.links = m.links;
  if (m.replyTo) post.replyTo = m.replyTo;
  if (m.author) post.author = m.author;
  if (m.forward) {
    post.forward = {};
    if (m.forward.fromName) post.forward.fromName = m.forward.fromName;
    if (m.forward.fromUsername) post.forward.fromUsername = m.forward.fromUsername;
    if (m.forward.fromMessageId) post.forward.fromMessageId = m.forward.fromMessageId;
  }
  return post;
}
