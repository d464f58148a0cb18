import type { Client } from '@elastic/elasticsearch';
import { indexNames } from '../names.ts';
import { filterClauses, type PostFilters } from './filters.ts';

// Copy-paste clusters: near-duplicate posts across channels in a window. Candidates come from the
// four 16-bit SimHash band keys (two fingerprints within 3 bits share at least one band); a band
// also collects unrelated posts by chance, so within each band the full fingerprints are compared
// and only those within `maxDistance` bits are joined. Fingerprints joined through any band form
// one cluster (union-find); clusters seen in fewer than `minChannels` channels are dropped.

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

type FpBucket = {
  key: string;
  doc_count: number;
  channels: { buckets: { key: string }[] };
  channelCount: { value: number };
  first: { hits: { hits: { _source: ClusterPost }[] } };
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

export async function clusters(es: Client, prefix: string, params: ClustersParams): Promise<ClustersResult> {
  const size = params.size ?? 20;
  const minPosts = params.minPosts ?? 2;
  const maxDistance = params.maxDistance ?? 3;
  const response = await es.search({
    index: indexNames(prefix).posts,
    size: 0,
    query: {
      bool: {
        filter: filterClauses({ ...(params.filters ?? {}), from: params.from, to: params.to }),
        must_not: [{ term: { fingerprint: EMPTY_TEXT } }],
      },
    },
    aggs: {
      bands: {
        // Each cluster shows up under up to four bands, so ask for more candidates than clusters.
        terms: { field: 'fingerprintBands', size: size * 8, min_doc_count: minPosts, shard_size: size * 20 },
        aggs: {
          fps: {
            terms: { field: 'fingerprint', size: 50 },
            aggs: {
              channels: { terms: { field: 'channel.id', size: 20 } },
              channelCount: { cardinality: { field: 'channel.id' } },
              first: {
                top_hits: {
                  size: 1,
                  sort: [{ postedAt: { order: 'asc' } }],
                  _source: { includes: ['id', 'url', 'channel.id', 'channel.username', 'postedAt', 'text'] },
                },
              },
            },
          },
        },
      },
    },
  });
  type Band = { key: string; fps: { buckets: FpBucket[] } };
  const bands = (response.aggregations?.['bands'] as { buckets: Band[] } | undefined)?.buckets ?? [];

  const fps = new Map<string, FpBucket>();
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  for (const band of bands) {
    const members = band.fps.buckets;
    for (const fp of members) {
      fps.set(fp.key, fp);
      if (!parent.has(fp.key)) parent.set(fp.key, fp.key);
    }
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const a = members[i];
        const b = members[j];
        if (a && b && hamming(a.key, b.key) <= maxDistance) union(a.key, b.key);
      }
    }
  }
  const groups = new Map<string, FpBucket[]>();
  for (const [key, fp] of fps) {
    const root = find(key);
    groups.set(root, [...(groups.get(root) ?? []), fp]);
  }
  const result: Cluster[] = [];
  for (const members of groups.values()) {
    const posts = members.reduce((sum, fp) => sum + fp.doc_count, 0);
    const channels = new Set(members.flatMap((fp) => fp.channels.buckets.map((c) => c.key)));
    const channelCount = Math.max(channels.size, ...members.map((fp) => fp.channelCount.value));
    if (posts < minPosts || channelCount < (params.minChannels ?? 2)) continue;
    const firsts = members.map((fp) => fp.first.hits.hits[0]?._source).filter((p): p is ClusterPost => !!p);
    const first = firsts.sort((a, b) => a.postedAt.localeCompare(b.postedAt) || a.id.localeCompare(b.id))[0];
    if (!first) continue;
    result.push({
      posts,
      channelCount,
      channels: [...channels].sort(),
      fingerprints: members.map((fp) => fp.key).sort(),
      first,
    });
  }
  result.sort((a, b) => b.posts - a.posts || a.first.postedAt.localeCompare(b.first.postedAt));
  return { from: params.from, to: params.to, clusters: result.slice(0, size) };
}
