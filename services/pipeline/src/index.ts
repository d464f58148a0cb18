export { main } from './main.ts';
export { cleanText } from './normalise/clean-text.ts';
export { extractEntities } from './normalise/entities.ts';
export { toIndexedPost } from './normalise/to-indexed-post.ts';
export { processBatch } from './process-batch.ts';
export { type RetagResult, retag } from './retag.ts';
export { startPostsWorker } from './worker.ts';
