export { Client, createEsClient } from './client.ts';
export { ensureCurrentPostsIndex, installIndices } from './install.ts';
export * from './mappings.ts';
export { type IndexNames, indexNames } from './names.ts';
export { type RejectDoc, RetryableBulkError, type WriteResult, writePosts } from './post-writer.ts';
