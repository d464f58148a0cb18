import type { Client } from '@elastic/elasticsearch';
import { indexNames } from '../names.ts';
import type { ClusterPost } from './clusters.ts';

// Every post of a copy-paste cluster: the posts carrying one of its fingerprints in the window,
// oldest first (clusters() returns the fingerprints and only the first post).

export async function clusterPosts(
  es: Client,
  prefix: string,
  params: {
    fingerprints: string[];
    from: string;
    to: string;
    isForward?: boolean | undefined;
    size?: number;
  },
): Promise<ClusterPost[]> {
  const response = await es.search<ClusterPost & { channel: ClusterPost['channel'] & { title?: string } }>({
    ...indexNames(prefix).postsWindow(params.from, params.to),
    size: params.size ?? 500,
    query: {
      bool: {
        filter: [
          { terms: { fingerprint: params.fingerprints } },
          { range: { postedAt: { gte: params.from, lt: params.to } } },
          ...(params.isForward === undefined ? [] : [{ term: { isForward: params.isForward } }]),
        ],
      },
    },
    sort: [{ postedAt: { order: 'asc' } }, { id: { order: 'asc' } }],
    _source: ['id', 'url', 'channel.id', 'channel.username', 'postedAt', 'text'],
  });
  return response.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
}
