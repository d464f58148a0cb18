import type { Client } from '@elastic/elasticsearch';
import { indexNames } from '../names.ts';
import type { PostHit } from './search-posts.ts';

// One post by id with its earlier versions (edits), oldest first: the workbench's edit history.

export type PostVersion = { version: number; editedAt?: string; collectedAt?: string; text: string };

export async function getPost(es: Client, prefix: string, id: string): Promise<PostHit | undefined> {
  const names = indexNames(prefix);
  const response = await es.search<PostHit>({
    index: names.posts,
    ignore_unavailable: true,
    allow_no_indices: true,
    size: 1,
    query: { ids: { values: [id] } },
    _source: { excludes: ['textStems', 'fingerprintBands', 'textOriginal', 'version'] },
  });
  return response.hits.hits[0]?._source;
}

export async function postVersions(es: Client, prefix: string, id: string): Promise<PostVersion[]> {
  const names = indexNames(prefix);
  const response = await es.search<PostVersion & { postId: string }>({
    index: names.versions,
    ignore_unavailable: true,
    allow_no_indices: true,
    size: 100,
    query: { term: { postId: id } },
    sort: [{ version: { order: 'asc' } }],
  });
  return response.hits.hits.flatMap((h) => {
    const s = h._source;
    if (!s) return [];
    return [
      {
        version: s.version,
        text: s.text,
        ...(s.editedAt ? { editedAt: s.editedAt } : {}),
        ...(s.collectedAt ? { collectedAt: s.collectedAt } : {}),
      },
    ];
  });
}
