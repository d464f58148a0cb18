import { isDeepStrictEqual } from 'node:util';
import { type EngagementPoint, type IndexedPost, type PostPatch, postUrl } from '@cw/domain';

// One document per post, whatever delivered it and in whatever order: these pure functions fold
// what arrives into the current document. The newest text version wins the text; everything else
// merges, so a poorer source (an export has no views, no username) never erases what a richer
// one (the live collector) wrote; a deletion is never undone.

/** Points kept in a post's engagement history: enough for hourly-then-daily refreshes. */
export const ENGAGEMENT_POINTS = 48;

type Metrics = IndexedPost['metrics'];

export type Merged = {
  doc: IndexedPost;
  /** Versions to keep in the history index (both sides when the text versions differ). */
  versions: IndexedPost[];
  /** The incoming text was older than the current one. */
  stale: boolean;
};

function laterObservation<T>(a: T | undefined, aAt: string, b: T | undefined, bAt: string): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(bAt) >= Date.parse(aAt) ? b : a;
}

function max(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/** Views and forwards only grow, so the larger wins whatever the order of observation; replies and
 * reactions can shrink (deleted comments, withdrawn reactions), so the later observation wins. */
export function mergeMetrics(
  current: Metrics,
  currentAt: string,
  incoming: Metrics,
  incomingAt: string,
): Metrics {
  const out: Metrics = {};
  const views = max(current.views, incoming.views);
  const forwards = max(current.forwards, incoming.forwards);
  const replies = laterObservation(current.replies, currentAt, incoming.replies, incomingAt);
  const reactions = laterObservation(current.reactions, currentAt, incoming.reactions, incomingAt);
  if (views !== undefined) out.views = views;
  if (forwards !== undefined) out.forwards = forwards;
  if (replies !== undefined) out.replies = replies;
  if (reactions !== undefined) out.reactions = reactions;
  return out;
}

function point(metrics: Metrics, at: string): EngagementPoint | undefined {
  const p: EngagementPoint = { at };
  if (metrics.views !== undefined) p.views = metrics.views;
  if (metrics.forwards !== undefined) p.forwards = metrics.forwards;
  if (metrics.replies !== undefined) p.replies = metrics.replies;
  if (metrics.reactions !== undefined) p.reactions = metrics.reactions.total;
  return Object.keys(p).length > 1 ? p : undefined;
}

/**
 * Appends an observation when the figures moved, in time order, and thins the history to
 * ENGAGEMENT_POINTS by dropping the inner point closest in time to its predecessor (the first and
 * the latest always stay), so early hourly detail gives way evenly as daily points accumulate.
 */
export function addEngagement(
  history: readonly EngagementPoint[] | undefined,
  metrics: Metrics,
  at: string,
): EngagementPoint[] | undefined {
  const p = point(metrics, at);
  const list = [...(history ?? [])];
  if (!p) return history ? list : undefined;
  const same = (q: EngagementPoint | undefined) =>
    !!q &&
    q.views === p.views &&
    q.forwards === p.forwards &&
    q.replies === p.replies &&
    q.reactions === p.reactions;
  const t = Date.parse(at);
  let i = list.length;
  while (i > 0 && Date.parse((list[i - 1] as EngagementPoint).at) > t) i -= 1;
  if (same(list[i - 1]) || list[i - 1]?.at === at) return list;
  list.splice(i, 0, p);
  while (list.length > ENGAGEMENT_POINTS) {
    let drop = 1;
    let gap = Number.POSITIVE_INFINITY;
    for (let k = 1; k < list.length - 1; k += 1) {
      const g = Date.parse((list[k] as EngagementPoint).at) - Date.parse((list[k - 1] as EngagementPoint).at);
      if (g < gap) {
        gap = g;
        drop = k;
      }
    }
    list.splice(drop, 1);
  }
  return list;
}

function defined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

function latest(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** A new document: its sources and its first engagement point. */
export function firstVersion(post: IndexedPost): IndexedPost {
  const engagement = addEngagement(post.engagement, post.metrics, post.collectedAt);
  return {
    ...post,
    sources: [...new Set([...(post.sources ?? []), post.source])],
    ...(engagement ? { engagement } : {}),
  };
}

/** Folds an incoming full post into the current document. */
export function mergePost(current: IndexedPost, incoming: IndexedPost): Merged {
  // The same text seen again with another edit time (the web preview's is only when it was seen
  // edited) is no new version: keep the earliest known edit time, write no history.
  const sameText = incoming.text === current.text;
  const newer = incoming.version > current.version && !sameText;
  const winner = newer ? incoming : current;
  const other = newer ? current : incoming;
  const channel = { ...defined(current.channel), ...defined(incoming.channel), id: current.channel.id };
  const deletedAt = earliest(current.deletedAt, incoming.deletedAt);
  const forward =
    current.forward || incoming.forward
      ? { ...defined(incoming.forward), ...defined(current.forward) }
      : undefined;
  const metrics = mergeMetrics(current.metrics, current.collectedAt, incoming.metrics, incoming.collectedAt);
  const engagement = addEngagement(current.engagement, incoming.metrics, incoming.collectedAt);
  const doc: IndexedPost = {
    ...winner,
    channel,
    postedAt: current.postedAt,
    collectedAt: latest(current.collectedAt, incoming.collectedAt),
    url: postUrl(channel, current.messageId),
    media: winner.media.length >= other.media.length ? winner.media : other.media,
    metrics,
    sources: [...new Set([...(current.sources ?? [current.source]), incoming.source])],
    isDeleted: deletedAt !== undefined,
  };
  if (deletedAt) doc.deletedAt = deletedAt;
  if (forward) doc.forward = forward;
  if (engagement) doc.engagement = engagement;
  for (const key of ['replyTo', 'groupedId', 'author'] as const) {
    const value = winner[key] ?? other[key];
    if (value !== undefined) (doc as Record<string, unknown>)[key] = value;
  }
  if (sameText) {
    const editedAt = earliest(current.editedAt, incoming.editedAt);
    if (editedAt) {
      doc.editedAt = editedAt;
      doc.isEdited = true;
      doc.version = Date.parse(editedAt);
    }
    return { doc, versions: [], stale: false };
  }
  const versions = incoming.version === current.version ? [] : [other, winner];
  return { doc, versions, stale: incoming.version < current.version };
}

/** Applies a deletion or a metrics refresh: never a new text version. */
export function applyPatch(current: IndexedPost, patch: PostPatch): IndexedPost {
  if (patch.kind === 'deletion') {
    const deletedAt = earliest(current.deletedAt, patch.deletedAt) as string;
    return { ...current, deletedAt, isDeleted: true };
  }
  const metrics = mergeMetrics(current.metrics, current.collectedAt, patch.metrics, patch.collectedAt);
  const engagement = addEngagement(current.engagement, patch.metrics, patch.collectedAt);
  return { ...current, metrics, ...(engagement ? { engagement } : {}) };
}

/** Whether writing `next` over `current` would change anything an analyst sees (the time of the
 * last observation alone does not: a re-import of the same file changes nothing). */
export function sameDocument(current: IndexedPost, next: IndexedPost): boolean {
  const strip = (p: IndexedPost) => JSON.parse(JSON.stringify({ ...p, collectedAt: undefined })) as unknown;
  return isDeepStrictEqual(strip(current), strip(next));
}
