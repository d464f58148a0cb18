import type { Client, estypes } from '@elastic/elasticsearch';
import { indexNames } from '../names.ts';
import { assertAllComplete, assertComplete } from './complete.ts';
import { filterClauses, type PostFilters } from './filters.ts';

// Copy-paste clusters: near-duplicate posts across channels in a window. Candidates come from the
// four 16-bit SimHash band keys (two fingerprints within 3 bits share at least one band); a band
// also collects unrelated posts by chance, so within each band the full fingerprints are compared
// and only those within `maxDistance` bits are joined. Fingerprints joined through any band form
// one cluster (union-find); clusters seen in fewer than `minChannels` channels are dropped.
// maxDistance defaults to 4, not 3: a copy edited afterwards (" Обновлено." appended to a 30-word
// post) moved 4 bits, and at 3 the demo's campaign split in 70 of 336 generated hours (0 at 4). Pairs
// 4 bits apart share a band nine times in ten, and union-find joins most of the rest through others.

export type ClustersParams = {
  from: string;
  to: string;
  filters?: Omit<PostFilters, 'from' | 'to'> | undefined;
  size?: number | undefined;
  minPosts?: number | undefined;
  minChannels?: number | undefined;
  maxDistance?: number | undefined;
};

export type ClusterPost = {
  id: string;
  url: string;
  channel: { id: string; username?: string };
  postedAt: string;
  text: string;
};

export type Cluster = {
  posts: number;
  channelCount: number;
  channels: string[];
  fingerprints: string[];
  first: ClusterPost;
};

export type ClustersResult = { from: string; to: string; clusters: Cluster[] };

const EMPTY_TEXT = '0000000000000000';
/** Most differing bits between near-duplicates (see above for why 4). */
export const DEFAULT_MAX_DISTANCE = 4;

type FpBucket = {
  key: string;
  doc_count: number;
  channels: { buckets: { key: string }[] };
  channelCount: { value: number };
};

export function hamming(a: string, b: string): number {
  let bits = 0;
  for (let i = 0; i < a.length; i += 8) {
    let x = (Number.parseInt(a.slice(i, i + 8), 16) ^ Number.parseInt(b.slice(i, i + 8), 16)) >>> 0;
    while (x) {
      x &= x - 1;
      bits++;
    }
  }
  return bits;
}

/**
 * Near-duplicate groups: fingerprints that meet in a band and differ in at most `maxDistance` bits are
 * joined, and joins chain (union-find). `bands` lists, per band key, the fingerprints seen in it.
 */
export function groupFingerprints(bands: readonly (readonly string[])[], maxDistance: number): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(x, root);
    return root;
  };
  for (const members of bands) {
    for (const fp of members) if (!parent.has(fp)) parent.set(fp, fp);
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const a = members[i];
        const b = members[j];
        if (a && b && hamming(a, b) <= maxDistance) parent.set(find(a), find(b));
      }
    }
  }
  const groups = new Map<string, string[]>();
  for (const fp of parent.keys()) {
    const root = find(fp);
    const group = groups.get(root);
    if (group) group.push(fp);
    else groups.set(root, [fp]);
  }
  return [...groups.values()];
}

export async function clusters(es: Client, prefix: string, params: ClustersParams): Promise<ClustersResult> {
  const size = params.size ?? 20;
  const minPosts = params.minPosts ?? 2;
  const maxDistance = params.maxDistance ?? DEFAULT_MAX_DISTANCE;
  const filter = filterClauses({ ...(params.filters ?? {}), from: params.from, to: params.to });
  const target = indexNames(prefix).postsWindow(params.from, params.to);
  // Candidate bands: many, because bands of templated posts (many posts, many different texts) can
  // outnumber those of a real campaign; breadth-first so sub-aggregations run for the top ones only.
  const response = await es.search({
    ...target,
    size: 0,
    query: { bool: { filter, must_not: [{ term: { fingerprint: EMPTY_TEXT } }] } },
    aggs: {
      bands: {
        terms: {
          field: 'fingerprintBands',
          size: Math.max(400, size * 20),
          min_doc_count: minPosts,
          shard_size: Math.max(800, size * 40),
          collect_mode: 'breadth_first',
        },
        aggs: {
          fps: {
            terms: { field: 'fingerprint', size: 50 },
            aggs: {
              channels: { terms: { field: 'channel.id', size: 50 } },
              channelCount: { cardinality: { field: 'channel.id' } },
            },
          },
        },
      },
    },
  });
  assertComplete(response);
  type Band = { key: string; fps: { buckets: FpBucket[] } };
  const bands = (response.aggregations?.['bands'] as { buckets: Band[] } | undefined)?.buckets ?? [];

  const fps = new Map<string, FpBucket>();
  for (const band of bands) for (const fp of band.fps.buckets) fps.set(fp.key, fp);
  const groups = groupFingerprints(
    bands.map((band) => band.fps.buckets.map((fp) => fp.key)),
    maxDistance,
  ).map((keys) => keys.map((key) => fps.get(key)).filter((fp): fp is FpBucket => fp !== undefined));
  const candidates: Array<Omit<Cluster, 'first'>> = [];
  for (const members of groups) {
    const posts = members.reduce((sum, fp) => sum + fp.doc_count, 0);
    const channels = new Set(members.flatMap((fp) => fp.channels.buckets.map((c) => c.key)));
    const channelCount = Math.max(channels.size, ...members.map((fp) => fp.channelCount.value));
    if (posts < minPosts || channelCount < (params.minChannels ?? 2)) continue;
    candidates.push({
      posts,
      channelCount,
      channels: [...channels].sort(),
      fingerprints: members.map((fp) => fp.key).sort(),
    });
  }
  candidates.sort((a, b) => b.posts - a.posts || a.fingerprints[0]!.localeCompare(b.fingerprints[0]!));
  const top = candidates.slice(0, size);
  // The first poster of each cluster: one small search per cluster, in one round trip.
  const firsts =
    top.length === 0
      ? []
      : (
          await es.msearch<ClusterPost>({
            searches: top.flatMap((c): estypes.MsearchRequestItem[] => [
              target,
              {
                size: 1,
                query: { bool: { filter: [...filter, { terms: { fingerprint: c.fingerprints } }] } },
                sort: [{ postedAt: { order: 'asc' } }, { id: { order: 'asc' } }],
                _source: { includes: ['id', 'url', 'channel.id', 'channel.username', 'postedAt', 'text'] },
              },
            ]),
          })
        ).responses;
  assertAllComplete(firsts);
  const result: Cluster[] = [];
  top.forEach((c, i) => {
    const response = firsts[i];
    const first = response && 'hits' in response ? response.hits.hits[0]?._source : undefined;
    if (first) result.push({ ...c, first });
  });
  result.sort((a, b) => b.posts - a.posts || a.first.postedAt.localeCompare(b.first.postedAt));
  return { from: params.from, to: params.to, clusters: result.slice(0, size) };
}
