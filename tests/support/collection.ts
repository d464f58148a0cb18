// End-to-end collection tests: the collector's parts publish to a real posts queue, and the test
// indexes what is queued as the pipeline worker would, into the file's own indices.
import { compileNarratives, DEFAULT_NARRATIVES_DIR, loadNarrativeDefinitions } from '@cw/enrichment';
import { indexNames, installIndices } from '@cw/es';
import { processBatch } from '@cw/pipeline';
import { beforeAll } from 'vitest';
import { ready, testPostsQueue } from '../../services/collector/src/test/helpers.ts';
import type { isolatedServers } from './servers.ts';

/**
 * A posts queue (`name` keeps it apart from the file's other queues), removed after the file's
 * tests, with the file's indices installed before them.
 */
export function collectionTestbed(ctx: ReturnType<typeof isolatedServers>, name: string) {
  const narratives = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
  const queue = testPostsQueue(ctx.redis, `${ctx.prefix}-${name}`);
  beforeAll(async () => {
    await ready(ctx.redis);
    await installIndices(ctx.es, ctx.prefix);
  });

  /** Indexes one batch as the pipeline worker does; the file's indices are refreshed after. */
  async function index(posts: unknown[], source: string) {
    const result = await processBatch(posts, {
      es: ctx.es,
      prefix: ctx.prefix,
      enrich: { narratives },
      source,
    });
    await ctx.es.indices.refresh({ index: `${ctx.prefix}-*` });
    return result;
  }

  /** The waiting batches, in enqueue order, taken off the queue. */
  async function takeBatches(): Promise<{ posts: unknown[]; source: string }[]> {
    const jobs = (await queue.getJobs(['waiting'])).sort((a, b) => a.timestamp - b.timestamp);
    for (const job of jobs) await job.remove();
    return jobs.map((job) => job.data as { posts: unknown[]; source: string });
  }

  /** The earlier versions kept of a post (none when no versions index exists yet). */
  async function versionsOf(postId: string) {
    const found = await ctx.es.search({
      index: indexNames(ctx.prefix).versionsPattern,
      query: { term: { postId } },
      ignore_unavailable: true,
      allow_no_indices: true,
    });
    return found.hits.hits;
  }

  return { queue, narratives, index, takeBatches, versionsOf };
}
