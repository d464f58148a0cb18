export { Client, createEsClient } from './client.ts';
export { ensureCurrentPostsIndex, type IndexSettings, installIndices } from './install.ts';
export * from './mappings.ts';
export {
  addEngagement,
  applyPatch,
  ENGAGEMENT_POINTS,
  mergeMetrics,
  mergePost,
  sameDocument,
} from './merge-post.ts';
export { type IndexNames, indexNames } from './names.ts';
export { type RejectDoc, RetryableBulkError, type WriteResult, writePosts } from './post-writer.ts';
export * from './queries/cluster-posts.ts';
export * from './queries/clusters.ts';
export * from './queries/complete.ts';
export * from './queries/emerging-terms.ts';
export * from './queries/feedback.ts';
export * from './queries/filters.ts';
export * from './queries/forward-sources.ts';
export * from './queries/list-alerts.ts';
export * from './queries/narrative-volume.ts';
export * from './queries/post-detail.ts';
export * from './queries/search-posts.ts';
export * from './queries/top-channels.ts';
export * from './queries/trends.ts';
export {
  createSnapshot,
  ensureRepository,
  listSnapshots,
  restoreSnapshot,
  type SnapshotRepository,
} from './snapshots.ts';
