// The post writer's cost of one document per post: every batch is read back (a realtime mget of its
// ids and of their tombstones) and folded into what is indexed before it is written. Measured on the
// same pre-enriched documents, in batches of 500, against a plain bulk index of them (what the
// writer did before it merged: index with external_gte), alternating, several rounds:
// - new posts (create), the same batches again (every post unchanged: read, compare, no write),
//   and a metrics refresh of each post (patches: read, merge, write in place).
import { performance } from 'node:perf_hooks';
import { collectedPost, type IndexedPost, type PostPatch } from '@cw/domain';
import { compileNarratives, DEFAULT_NARRATIVES_DIR, loadNarrativeDefinitions } from '@cw/enrichment';
import { createEsClient, indexNames, installIndices, writePosts } from '@cw/es';
import { toIndexedPost } from '@cw/pipeline';
import { makePost } from '../support/posts.ts';
import { benchServers } from './service.ts';

const PREFIX = 'cwbench-writer';
const BATCH = 500;

export async function run(): Promise<void> {
  const total = Number(process.env['BENCH_WRITER_POSTS'] ?? 20_000);
  const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
  const { esUrl } = await benchServers();
  const es = createEsClient(esUrl, { requestTimeoutMs: 120_000 });
  const names = indexNames(PREFIX);
  const narratives = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
  const docs = Array.from({ length: total }, (_, i) =>
    toIndexedPost(collectedPost.parse(makePost(i + 1)), { narratives }),
  );
  const batches: IndexedPost[][] = [];
  for (let i = 0; i < docs.length; i += BATCH) batches.push(docs.slice(i, i + BATCH));
  const rate = (seconds: number) => `${Math.round(total / seconds).toLocaleString('en')} posts/s`;
  const time = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return (performance.now() - t0) / 1000;
  };
  const fresh = async () => {
    await es.indices.delete({ index: `${PREFIX}-*`, ignore_unavailable: true, allow_no_indices: true });
    await installIndices(es, PREFIX);
  };
  console.log(`writer: ${total} posts in batches of ${BATCH}, ${rounds} rounds`);
  const results: Record<string, number[]> = { plain: [], create: [], unchanged: [], metrics: [] };
  for (let round = 1; round <= rounds; round += 1) {
    await fresh();
    results['plain']?.push(
      await time(async () => {
        for (const batch of batches) {
          await es.helpers.bulk<IndexedPost>({
            datasource: batch,
            onDocument: (doc) => ({
              index: {
                _index: names.postsIndex(doc.postedAt),
                _id: doc.id,
                version: doc.version,
                version_type: 'external_gte',
              },
            }),
            concurrency: 1,
          });
        }
      }),
    );
    await fresh();
    results['create']?.push(
      await time(async () => {
        for (const batch of batches) await writePosts(es, PREFIX, batch);
      }),
    );
    results['unchanged']?.push(
      await time(async () => {
        for (const batch of batches) await writePosts(es, PREFIX, batch);
      }),
    );
    const patches = batches.map((batch) =>
      batch.map(
        (doc): PostPatch => ({
          kind: 'metrics',
          channel: doc.channel,
          messageId: doc.messageId,
          postedAt: doc.postedAt,
          metrics: { views: (doc.metrics.views ?? 0) * 3 },
          collectedAt: new Date(Date.parse(doc.collectedAt) + 3600_000).toISOString(),
          source: 'telegram',
        }),
      ),
    );
    results['metrics']?.push(
      await time(async () => {
        for (const batch of patches) await writePosts(es, PREFIX, batch);
      }),
    );
    console.log(
      `round ${round}: plain bulk index ${rate(results['plain']?.at(-1) ?? 1)}; writer: new ${rate(results['create']?.at(-1) ?? 1)}, ` +
        `re-delivered (unchanged) ${rate(results['unchanged']?.at(-1) ?? 1)}, metrics refresh ${rate(results['metrics']?.at(-1) ?? 1)}`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 1;
  const plain = median(results['plain'] ?? []);
  const create = median(results['create'] ?? []);
  console.log(
    `median: plain ${rate(plain)}, writer new ${rate(create)} (ratio ${(plain / create).toFixed(2)}), ` +
      `unchanged ${rate(median(results['unchanged'] ?? []))}, metrics refresh ${rate(median(results['metrics'] ?? []))}`,
  );
  await es.indices.delete({ index: `${PREFIX}-*`, ignore_unavailable: true, allow_no_indices: true });
  await es.indices.deleteIndexTemplate({ name: `${PREFIX}-*` }).catch(() => {});
  await es.close();
}
