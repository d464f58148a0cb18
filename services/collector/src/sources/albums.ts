import type { CollectedPostInput } from '@cw/domain';

// An album is one post with N media in every source. The web preview shows it so (one block under
// the first message's id); gramjs delivers N messages sharing a groupedId, and Desktop exports N
// consecutive messages with no grouping at all. Both are folded here into the post the web shows:
// the first message's id, every member's media, the caption (whichever member carries it).

/** gramjs: members share a groupedId. */
export const sameGroupedId = (a: CollectedPostInput, b: CollectedPostInput) =>
  a.groupedId !== undefined && a.groupedId === b.groupedId && a.channel.id === b.channel.id;

/**
 * Desktop exports keep no album id: members are consecutive messages sent in the same second,
 * each with a photo, video or document, and at most one of them with a caption. Conservative on
 * purpose: two separate captioned posts in one second stay apart.
 */
export function sameExportAlbum(a: CollectedPostInput, b: CollectedPostInput): boolean {
  const groupable = (p: CollectedPostInput) =>
    (p.media ?? []).length > 0 &&
    (p.media ?? []).every((m) => ['photo', 'video', 'document'].includes(m.kind));
  return (
    a.channel.id === b.channel.id &&
    b.messageId === a.messageId + (a.media ?? []).length &&
    a.postedAt === b.postedAt &&
    groupable(a) &&
    groupable(b) &&
    !(a.text && b.text) &&
    JSON.stringify(a.forward ?? null) === JSON.stringify(b.forward ?? null)
  );
}

/** Adds member `b` to album post `a` (a is the album so far, b the next member). */
export function joinAlbum(a: CollectedPostInput, b: CollectedPostInput): CollectedPostInput {
  const joined: CollectedPostInput = { ...a, media: [...(a.media ?? []), ...(b.media ?? [])] };
  if (!a.text && b.text) joined.text = b.text;
  const links = [...new Set([...(a.links ?? []), ...(b.links ?? [])])];
  if (links.length > 0) joined.links = links;
  const edits = [a.editedAt, b.editedAt].filter((d): d is string => !!d).sort();
  if (edits.length > 0) joined.editedAt = edits.at(-1) as string;
  return joined;
}

/** Folds consecutive members of an album (in message id order) into one post each. */
export function foldAlbums<T extends object>(
  items: readonly (T | CollectedPostInput)[],
  same: (a: CollectedPostInput, b: CollectedPostInput) => boolean = sameGroupedId,
): (T | CollectedPostInput)[] {
  const out: (T | CollectedPostInput)[] = [];
  const isPost = (x: T | CollectedPostInput): x is CollectedPostInput => !('kind' in x) && 'text' in x;
  for (const item of items) {
    const last = out.at(-1);
    if (last && isPost(last) && isPost(item) && same(last, item)) out[out.length - 1] = joinAlbum(last, item);
    else out.push(item);
  }
  return out;
}
