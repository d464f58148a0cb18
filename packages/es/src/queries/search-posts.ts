import type { IndexedPost } from '@cw/domain';
import type { Client, estypes } from '@elastic/elasticsearch';
import { indexNames } from '../names.ts';
import { assertComplete } from './complete.ts';
import { type PostFilters, postsQuery } from './filters.ts';

// Post search with cursor pagination: search_after over (sort field, id), the id breaking ties so
// that every hit comes exactly once. The cursor is opaque to clients: base64url JSON carrying the
// sort it belongs to, so a cursor from another sort is refused instead of skipping posts.

export type PostSort = 'time' | 'views' | 'forwards' | 'relevance';
export type SortOrder = 'asc' | 'desc';

export type SearchPostsParams = {
  filters: PostFilters;
  sort?: PostSort | undefined;
  order?: SortOrder | undefined;
  size?: number | undefined;
  cursor?: string | undefined;
  trackTotalUpTo?: number | undefined;
};

export type PostHit = Omit<IndexedPost, 'textStems' | 'fingerprintBands' | 'textOriginal' | 'version'>;

export type SearchPostsResult = {
  total: { value: number; exact: boolean };
  hits: PostHit[];
  nextCursor?: string | undefined;
};

/** A cursor that is not one of ours, or belongs to another sort: the caller answers 400. */
export class InvalidCursorError extends Error {
  constructor(reason: string) {
    super(`invalid cursor: ${reason}`);
    this.name = 'InvalidCursorError';
  }
}

type SortValue = string | number | null;

export function encodeCursor(sortKey: string, values: SortValue[]): string {
  return Buffer.from(JSON.stringify({ s: sortKey, v: values })).toString('base64url');
}

/** What the first sort value of a cursor must be: an epoch-millis time, a count, or a score. */
export type CursorValue = 'time' | 'count' | 'score';

const POST_ID = /^-?\d{1,20}_\d{1,20}$/;
const CURSOR_VALUES: Record<CursorValue, (x: unknown) => boolean> = {
  // A time within years 1970–5138: anything else cannot come from our sort, and Elasticsearch
  // would fail the shard on it.
  time: (x) => Number.isSafeInteger(x) && (x as number) >= 0 && (x as number) < 1e14,
  count: (x) => Number.isSafeInteger(x) && (x as number) >= 0,
  score: (x) => typeof x === 'number' && Number.isFinite(x) && x >= 0,
};

/**
 * The sort values of a cursor, checked against what that sort hands out (a tampered cursor used to
 * reach Elasticsearch, fail a shard and answer an empty page).
 */
export function decodeCursor(
  sortKey: string,
  cursor: string,
  shape: { value: CursorValue; id?: RegExp } = { value: 'time', id: POST_ID },
): SortValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor returned by this API');
  }
  const { s, v } = (parsed ?? {}) as { s?: unknown; v?: unknown };
  if (s !== sortKey) throw new InvalidCursorError('it belongs to another sort order; start again without it');
  const id = shape.id ?? /^[^\u0000-\u001f]{1,200}$/;
  const ok =
    Array.isArray(v) &&
    v.length === 2 &&
    CURSOR_VALUES[shape.value](v[0]) &&
    typeof v[1] === 'string' &&
    id.test(v[1]);
  if (!ok) throw new InvalidCursorError('not a cursor returned by this API');
  return v as SortValue[];
}

function sortClause(sort: PostSort, order: SortOrder): estypes.Sort {
  const primary: estypes.SortCombinations =
    sort === 'relevance'
      ? { _score: { order } }
      : sort === 'time'
        ? { postedAt: { order } }
        : { [sort === 'views' ? 'metrics.views' : 'metrics.forwards']: { order, missing: 0 } };
  // A missing metric sorts as 0: '_last' would hand out Long.MIN_VALUE, which JSON numbers mangle.
  return [primary, { id: { order } }];
}

export async function searchPosts(
  es: Client,
  prefix: string,
  params: SearchPostsParams,
): Promise<SearchPostsResult> {
  const sort = params.sort ?? (params.filters.text ? 'relevance' : 'time');
  const order = params.order ?? 'desc';
  const size = params.size ?? 50;
  const sortKey = `${sort}:${order}`;
  const after = params.cursor
    ? decodeCursor(sortKey, params.cursor, {
        value: sort === 'time' ? 'time' : sort === 'relevance' ? 'score' : 'count',
        id: POST_ID,
      })
    : undefined;
  const response = await es.search<PostHit>({
    ...indexNames(prefix).postsWindow(params.filters.from, params.filters.to),
    // One more than asked: whether a next page exists is known without an empty last page.
    size: size + 1,
    query: postsQuery(params.filters, { scored: sort === 'relevance' }),
    sort: sortClause(sort, order),
    ...(after ? { search_after: after as estypes.SortResults } : {}),
    track_total_hits: params.trackTotalUpTo ?? 10_000,
    _source: { excludes: ['textStems', 'fingerprintBands', 'textOriginal', 'version'] },
  });
  assertComplete(response);
  const raw = response.hits.hits;
  const page = raw.slice(0, size);
  const last = page[page.length - 1];
  const total = response.hits.total;
  return {
    total:
      typeof total === 'number'
        ? { value: total, exact: true }
        : { value: total?.value ?? 0, exact: total?.relation !== 'gte' },
    hits: page.map((hit) => hit._source as PostHit),
    nextCursor: raw.length > size && last?.sort ? encodeCursor(sortKey, last.sort as SortValue[]) : undefined,
  };
}
