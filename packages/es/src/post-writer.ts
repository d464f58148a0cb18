import type { IndexedPost } from '@cw/domain';
import type { Client, estypes } from '@elastic/elasticsearch';
import { type IndexNames, indexNames } from './names.ts';

// Writes a batch of indexed posts with the client's bulk helper, item by item:
// - the current document is indexed with version = edit time and `external_gte`, so a late, older
//   version is refused by Elasticsearch (409, expected) instead of by a read-then-write race;
// - every edited version, and every refused older one, is appended to the versions index under
//   `<id>@<version>`, so history is complete whatever the arrival order and redelivery is harmless;
// - deletions set `deletedAt` and keep the post, written whole with a version of at least the
//   deletion time, so a post that arrives after its own deletion cannot undo it;
// - 429 is retried by the helper, 5xx items are retried here, mapping errors become rejects.

export type RejectDoc = {
  rejectedAt: string;
  stage: 'validate' | 'index';
  reason: string;
  source?: string | undefined;
  channelId?: string | undefined;
  messageId?: number | undefined;
  jobId?: string | undefined;
  raw: string;
};

export type WriteResult = {
  indexed: number;
  stale: number;
  deleted: number;
  versions: number;
  rejects: RejectDoc[];
};

/** A batch whose items still fail after retries: the job fails and BullMQ retries it as a whole. */
export class RetryableBulkError extends Error {}

type Action =
  | Record<string, Record<string, unknown>>
  | [Record<string, Record<string, unknown>>, Record<string, unknown>];
/** A bulk line pair. A post's body is encoded here, once: the helper passes strings and (with our
 * client's serializer) Buffers through, and the actions are matched to bodies by position rather
 * than through a map keyed by object. */
type Item = { action: Action; body: Record<string, unknown> | string | Buffer };
/** Only what per-item handling reads: parsing 500 full item results per batch was measurable. */
const RESPONSE_FIELDS = 'errors,items.*.status,items.*.error';

function versionDoc(post: IndexedPost) {
  return {
    postId: post.id,
    channelId: post.channel.id,
    messageId: post.messageId,
    version: post.version,
    postedAt: post.postedAt,
    editedAt: post.editedAt,
    collectedAt: post.collectedAt,
    text: post.text,
    narratives: post.narratives,
  };
}

/**
 * `posts` is consumed once, in order, and a post is serialized as soon as it is read: a generator
 * lets each document be garbage before the batch is sent (held documents outlived two scavenges and
 * were promoted, which cost the pipeline worker about a tenth of its CPU). `options.rejects` is read
 * after `posts` is exhausted, so a generator may still add to it.
 */
export async function writePosts(
  es: Client,
  prefix: string,
  posts: Iterable<IndexedPost>,
  options: { retries?: number; refresh?: boolean; jobId?: string; rejects?: RejectDoc[] } = {},
): Promise<WriteResult> {
  const names = indexNames(prefix);
  const result: WriteResult = { indexed: 0, stale: 0, deleted: 0, versions: 0, rejects: [] };
  const versionItem = (post: IndexedPost | Record<string, unknown>): Item => {
    const p = post as IndexedPost;
    return {
      action: { index: { _index: names.versionsIndex(p.postedAt), _id: `${p.id}@${p.version}` } },
      body: versionDoc(p),
    };
  };
  const rejectItem = (doc: RejectDoc): Item => ({ action: { index: { _index: names.rejects } }, body: doc });

  let items: Item[] = [];
  // Only edits are kept beyond their serialization: their history is written after the loop.
  const edited: IndexedPost[] = [];
  const deletions: IndexedPost[] = [];
  let deleted = 0;
  let received = 0;
  for (const post of posts) {
    received += 1;
    const _index = names.postsIndex(post.postedAt);
    if (post.editedAt && !post.deletedAt) edited.push(post);
    if (post.deletedAt) {
      deleted += 1;
      deletions.push(post);
    } else {
      items.push({
        action: { index: { _index, _id: post.id, version: post.version, version_type: 'external_gte' } },
        // Encoded now: a Buffer keeps the bytes off the V8 heap while the batch is made and sent,
        // where a string of the same document was copied by every scavenge and then promoted.
        body: Buffer.from(JSON.stringify(post)),
      });
    }
  }
  for (const post of edited) items.push(versionItem(post));
  for (const item of await deletionItems(es, names, deletions)) items.push(item);
  for (const reject of options.rejects ?? []) items.push(rejectItem(reject));
  result.rejects.push(...(options.rejects ?? []));
  for (const post of await previousVersions(es, names, edited)) items.push(versionItem(post));

  const rounds = (options.retries ?? 3) + 1;
  for (let round = 1; items.length > 0; round += 1) {
    const current = items;
    // The helper calls onDocument once per datasource entry, in order.
    let cursor = 0;
    const next: Item[] = [];
    const errors: string[] = [];
    const stale: IndexedPost[] = [];
    await es.helpers.bulk<Record<string, unknown> | string | Buffer>({
      datasource: current.map((item) => item.body),
      onDocument: () => (current[cursor++] as Item).action as never,
      filter_path: RESPONSE_FIELDS,
      retries: 3,
      wait: 500,
      flushBytes: 5_000_000,
      concurrency: 1,
      refreshOnCompletion: options.refresh ?? false,
      onDrop(dropped) {
        const op = dropped.operation as unknown as Record<string, { _index?: string; _id?: string }>;
        const [kind] = Object.keys(op);
        const meta = (kind ? op[kind] : undefined) ?? {};
        const target = meta._index ?? '';
        const doc = dropped.document as Record<string, unknown>;
        const isPost = kind === 'index' && target.startsWith(`${names.posts}-`);
        if (dropped.status === 409 && isPost) {
          // An older version arrived late: the current document stays; the refused one is history
          // unless it is the content the current one already holds (a post arriving after its deletion).
          result.stale += 1;
          stale.push(doc as unknown as IndexedPost);
          return;
        }
        if (dropped.status === 429 || dropped.status >= 500) {
          errors.push(`${dropped.status} ${dropped.error?.type ?? ''}`.trim());
          if (kind === 'update') {
            const { doc: partial, ...rest } = doc;
            next.push({ action: [{ update: meta }, rest], body: partial as Record<string, unknown> });
          } else next.push({ action: { [kind ?? 'index']: meta }, body: doc });
          return;
        }
        if (target === names.rejects) {
          errors.push(`a reject was refused: ${dropped.error?.reason ?? dropped.status}`);
          return;
        }
        // A 400: the document does not fit the mapping; it goes to rejects with the reason.
        const post = (kind === 'update' ? doc['upsert'] : doc) as Partial<IndexedPost> & { postId?: string };
        const reject: RejectDoc = {
          rejectedAt: new Date().toISOString(),
          stage: 'index',
          reason: `${dropped.error?.type ?? dropped.status}: ${dropped.error?.reason ?? 'refused by Elasticsearch'}`,
          source: post.source,
          channelId: post.channel?.id ?? (post as { channelId?: string }).channelId,
          messageId: post.messageId,
          jobId: options.jobId,
          raw: JSON.stringify(doc),
        };
        result.rejects.push(reject);
        next.push(rejectItem(reject));
      },
    });
    for (const post of await supersededVersions(es, names, stale)) next.push(versionItem(post));
    if (errors.length > 0 && round >= rounds) {
      throw new RetryableBulkError(
        `bulk items still failing after ${round} rounds: ${errors.slice(0, 3).join('; ')}`,
      );
    }
    items = next;
  }
  result.deleted = deleted;
  result.indexed =
    received - result.deleted - result.stale - (result.rejects.length - (options.rejects?.length ?? 0));
  result.versions = edited.length;
  return result;
}

/** The current documents that an incoming edit will replace, so that they join the history.
 * A realtime mget, so a version indexed a moment ago (not yet refreshed) is still seen. */
async function previousVersions(
  es: Client,
  names: IndexNames,
  edited: IndexedPost[],
): Promise<IndexedPost[]> {
  if (edited.length === 0) return [];
  const incoming = new Map(edited.map((p) => [p.id, p.version]));
  const response = await es.mget<IndexedPost>({
    docs: edited.map((p) => ({ _index: names.postsIndex(p.postedAt), _id: p.id })),
  });
  return response.docs
    .map((doc) => ('found' in doc && doc.found ? doc._source : undefined))
    .filter((doc): doc is IndexedPost => !!doc && doc.version < (incoming.get(doc.id) ?? 0));
}

/**
 * A deletion is written as the whole document with `external_gte` and a version of at least the
 * deletion time, never as a partial update: with several workers (or two batches at once) a post's
 * deletion can be written before the post itself, and an update's upsert got an internal version
 * (1) that the late post then overwrote, losing the deletion. Now the late post is refused (409) as
 * older. The content kept is the newest known: the current document if it is as new as the deletion's.
 */
async function deletionItems(es: Client, names: IndexNames, deletions: IndexedPost[]): Promise<Item[]> {
  if (deletions.length === 0) return [];
  const response = await es.mget<IndexedPost>({
    docs: deletions.map((p) => ({ _index: names.postsIndex(p.postedAt), _id: p.id })),
  });
  return deletions.map((post, i) => {
    const found = response.docs[i];
    const current = found && 'found' in found && found.found ? found : undefined;
    const base = current?._source && current._source.version >= post.version ? current._source : post;
    const version = Math.max(
      Date.parse(post.deletedAt ?? post.postedAt),
      post.version,
      current?._version ?? 0,
    );
    return {
      action: {
        index: {
          _index: names.postsIndex(post.postedAt),
          _id: post.id,
          version,
          version_type: 'external_gte',
        },
      },
      body: Buffer.from(JSON.stringify({ ...base, deletedAt: post.deletedAt, isDeleted: true })),
    };
  });
}

/** Of the versions Elasticsearch refused as older, those whose content differs from the current document's. */
async function supersededVersions(
  es: Client,
  names: IndexNames,
  stale: IndexedPost[],
): Promise<IndexedPost[]> {
  if (stale.length === 0) return [];
  const response = await es.mget<IndexedPost>({
    docs: stale.map((p) => ({ _index: names.postsIndex(p.postedAt), _id: p.id })),
  });
  return stale.filter((post, i) => {
    const found = response.docs[i];
    const current = found && 'found' in found && found.found ? found._source : undefined;
    return current?.version !== post.version;
  });
}

export type { estypes };
