// Every index and alias name, derived from one prefix so that tests (and several deployments on
// one cluster) stay apart. Monthly indices are chosen by `postedAt`, which never changes for a
// post, so the same post always lands in the same index.

export type IndexNames = ReturnType<typeof indexNames>;

export function indexNames(prefix: string) {
  const month = (iso: string) => iso.slice(0, 7).replace('-', '.');
  return {
    prefix,
    posts: `${prefix}-posts`,
    postsPattern: `${prefix}-posts-*`,
    postsIndex: (postedAt: string) => `${prefix}-posts-${month(postedAt)}`,
    versions: `${prefix}-post-versions`,
    versionsPattern: `${prefix}-post-versions-*`,
    versionsIndex: (postedAt: string) => `${prefix}-post-versions-${month(postedAt)}`,
    rejects: `${prefix}-rejects`,
    alerts: `${prefix}-alerts`,
    deliveries: `${prefix}-deliveries`,
  };
}
