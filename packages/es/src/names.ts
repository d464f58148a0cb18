// Every index and alias name, derived from one prefix so that tests (and several deployments on
// one cluster) stay apart. Monthly indices are chosen by `postedAt`, which never changes for a
// post, so the same post always lands in the same index.

export type IndexNames = ReturnType<typeof indexNames>;

const DAY = 24 * 3600_000;
/** Beyond this many months a window is searched through the alias. */
const MAX_LISTED_MONTHS = 36;

export function indexNames(prefix: string) {
  const month = (iso: string) => iso.slice(0, 7).replace('-', '.');
  /**
   * The monthly indices a window [from, to) can touch, for a search with `ignore_unavailable`:
   * a short window then visits one or two shards instead of every month's. A day is added on each
   * side because a post's index is the month of its `postedAt` as written, which may carry an offset.
   */
  const postsFor = (from?: string, to?: string): string => {
    const a = from ? Date.parse(from) : Number.NaN;
    const b = to ? Date.parse(to) : Number.NaN;
    if (!Number.isFinite(a) || !Number.isFinite(b) || b <= a) return `${prefix}-posts`;
    const first = new Date(a - DAY);
    const last = new Date(b + DAY);
    // Months counted from year 0: y * 12 + m, so one loop crosses year ends.
    const lastMonth = last.getUTCFullYear() * 12 + last.getUTCMonth();
    const names: string[] = [];
    for (let n = first.getUTCFullYear() * 12 + first.getUTCMonth(); n <= lastMonth; n += 1) {
      names.push(`${prefix}-posts-${Math.floor(n / 12)}.${String((n % 12) + 1).padStart(2, '0')}`);
      if (names.length > MAX_LISTED_MONTHS) return `${prefix}-posts`;
    }
    return names.join(',');
  };
  return {
    prefix,
    posts: `${prefix}-posts`,
    postsPattern: `${prefix}-posts-*`,
    postsFor,
    /** Search options for a window: its monthly indices, none of which need exist yet. */
    postsWindow: (from?: string, to?: string) => ({
      index: postsFor(from, to),
      ignore_unavailable: true,
      allow_no_indices: true,
    }),
    postsIndex: (postedAt: string) => `${prefix}-posts-${month(postedAt)}`,
    versions: `${prefix}-post-versions`,
    versionsPattern: `${prefix}-post-versions-*`,
    versionsIndex: (postedAt: string) => `${prefix}-post-versions-${month(postedAt)}`,
    rejects: `${prefix}-rejects`,
    /** Deletions by id, kept so that a post indexed after its deletion ends deleted. */
    deletions: `${prefix}-deletions`,
    alerts: `${prefix}-alerts`,
    deliveries: `${prefix}-deliveries`,
    /** Analysts' verdicts on narrative tags (the workbench). */
    feedback: `${prefix}-feedback`,
  };
}
