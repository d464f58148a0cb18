import { type IndexedPost, type PostPatch, postId } from '@cw/domain';
import type { Client, estypes } from '@elastic/elasticsearch';
import { applyPatch, firstVersion, mergePost, sameDocument } from './merge-post.ts';
import { type IndexNames, indexNames } from './names.ts';

// Writes a batch of posts and patches so that every post is ONE document, whatever delivered it and
// in whatever order (create, edit, deletion, export, metrics refresh):
// - the batch's current documents are read first (a realtime mget, so a write a moment ago is seen),
//   and what arrives is folded into them (merge-post.ts): the newest edit wins the text, richer
//   fields are never replaced by poorer ones, a deletion is never undone;
// - a document is then created (`create`) or replaced only if nobody wrote it since it was read
//   (`if_seq_no`/`if_primary_term`); a conflict (409) reads it again and folds again, so concurrent
//   batches on the same post both land; a re-delivered batch changes nothing and is counted as such;
// - a deletion is also kept as a tombstone (`<prefix>-deletions`): a deletion whose post is not
//   indexed yet marks the post when it comes; each side writes its own record before it reads the
//   other's, so two concurrent batches cannot both miss each other;
// - replaced and late older versions go to the versions index under `<id>@<version>`, before the
//   post that replaced them (a process killed between the two leaves no edit without its history);
// - 429 and 5xx items are retried, a mapping error (400) becomes a reject, never ignored.

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
  /** created + updated */
  indexed: number;
  created: number;
  updated: number;
  /** Posts whose document was already exactly what the batch would write. */
  unchanged: number;
  /** Incoming texts older than the current one: kept as history only. */
  stale: number;
  /** Deletions received (whole posts marked deleted, or deletions by id). */
  deleted: number;
  /** Metrics refreshes and deletions for posts not indexed (yet): the deletions wait as tombstones. */
  missing: number;
  versions: number;
  rejects: RejectDoc[];
};

/** A batch whose items still fail after retries: the job fails and BullMQ retries it as a whole. */
export class RetryableBulkError extends Error {}

/** A post as serialized when it arrived; `deleted` is read without parsing it back. */
type Entry = { post: Buffer; deleted: boolean } | { patch: PostPatch };
type Group = { id: string; channelId: string; messageId: number; index?: string; entries: Entry[] };
type Found = { doc: IndexedPost; index: string; seqNo: number; primaryTerm: number };
type Tombstone = { postId: string; deletedAt: string; collectedAt: string; source: string };
type Op = { action: Record<string, Record<string, unknown>>; body: Record<string, unknown> | Buffer };

const parse = (buf: Buffer) => JSON.parse(buf.toString('utf8')) as IndexedPost;

/**
 * `items` is consumed once, in order; a post is serialized as soon as it is read, so its object is
 * garbage before the batch is sent (held documents outlived two scavenges in the pipeline worker).
 * `options.rejects` is read after `items` is exhausted, so a generator may still add to it.
 */
export async function writePosts(
  es: Client,
  prefix: string,
  items: Iterable<IndexedPost | PostPatch>,
  options: { retries?: number; refresh?: boolean; jobId?: string; rejects?: RejectDoc[] } = {},
): Promise<WriteResult> {
  const names = indexNames(prefix);
  const result: WriteResult = {
    indexed: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    stale: 0,
    deleted: 0,
    missing: 0,
    versions: 0,
    rejects: [],
  };
  const groups = new Map<string, Group>();
  const side: Op[] = [];
  for (const item of items) {
    const isPatch = 'kind' in item;
    const id = isPatch ? postId(item.channel.id, item.messageId) : item.id;
    let group = groups.get(id);
    if (!group) {
      group = { id, channelId: item.channel.id, messageId: item.messageId, entries: [] };
      groups.set(id, group);
    }
    if (isPatch) {
      group.entries.push({ patch: item });
      if (item.postedAt) group.index ??= names.postsIndex(item.postedAt);
      if (item.kind === 'deletion') {
        result.deleted += 1;
        const tombstone: Tombstone = {
          postId: id,
          deletedAt: item.deletedAt,
          collectedAt: item.collectedAt,
          source: item.source,
        };
        side.push({ action: { create: { _index: names.deletions, _id: id } }, body: tombstone });
      }
    } else {
      if (item.deletedAt) result.deleted += 1;
      // The index of a post is fixed by its first postedAt seen in the batch (all sources agree on it).
      group.index = names.postsIndex(item.postedAt);
      group.entries.push({
        post: Buffer.from(JSON.stringify(firstVersion(item))),
        deleted: item.deletedAt !== undefined,
      });
    }
  }
  for (const reject of options.rejects ?? []) {
    result.rejects.push(reject);
    side.push({ action: { index: { _index: names.rejects } }, body: reject });
  }
  const refresh = options.refresh ?? false;
  // Tombstones (and rejects) first: a deletion is on record before this batch looks for its post.
  await runSide(es, names, side, options, refresh);

  const rounds = (options.retries ?? 3) + 1;
  let pending = [...groups.values()];
  const checkTombstone = new Set<string>();
  for (let round = 1; pending.length > 0; round += 1) {
    if (round > rounds) {
      throw new RetryableBulkError(
        `bulk items still failing after ${round - 1} rounds (${pending.length} posts)`,
      );
    }
    const { found, tombstones } = await lookup(es, names, pending);
    const ops: { group: Group; op: Op; created: boolean; deleted: boolean }[] = [];
    const history: Op[] = [];
    for (const group of pending) {
      const current = found.get(group.id);
      const tombstone = tombstones.get(group.id);
      const only = group.entries.length === 1 ? group.entries[0] : undefined;
      if (!current && !tombstone && only && 'post' in only) {
        // A new post, alone in the batch: nothing to fold, so its bytes go out as they were made (parsing
        // every post back cost the pipeline's main thread ~8% of its time).
        const action = { create: { _index: group.index as string, _id: group.id } };
        ops.push({ group, op: { action, body: only.post }, created: true, deleted: only.deleted });
        continue;
      }
      let doc = current?.doc;
      for (const entry of group.entries) {
        if ('post' in entry) {
          const incoming = parse(entry.post);
          if (!doc) {
            doc = incoming;
            continue;
          }
          const merged = mergePost(doc, incoming);
          doc = merged.doc;
          if (merged.stale) result.stale += 1;
          for (const v of merged.versions) history.push(versionOp(names, v));
          result.versions += merged.versions.length;
        } else if (doc) doc = applyPatch(doc, entry.patch);
        else if (entry.patch.kind === 'metrics') result.missing += 1;
        else if (round === 1) result.missing += 1;
      }
      if (!doc) continue;
      if (tombstone && !doc.deletedAt) doc = applyPatch(doc, deletionOf(doc, tombstone));
      if (current && sameDocument(current.doc, doc)) {
        result.unchanged += 1;
        continue;
      }
      const body = Buffer.from(JSON.stringify(doc));
      const action: Op['action'] = current
        ? {
            index: {
              _index: current.index,
              _id: group.id,
              if_seq_no: current.seqNo,
              if_primary_term: current.primaryTerm,
            },
          }
        : { create: { _index: group.index ?? names.postsIndex(doc.postedAt), _id: group.id } };
      ops.push({ group, op: { action, body }, created: !current, deleted: doc.deletedAt !== undefined });
    }
    // The versions a merge replaced go first: written after the posts, a process killed between the two
    // requests left the post edited and its earlier version nowhere (the retry finds the edit already
    // in place and replaces nothing). Their ids are fixed, so writing them again on a retry is harmless.
    await runSide(es, names, history.splice(0), options, refresh);
    const retry: Group[] = [];
    if (ops.length > 0) {
      const response = await bulk(
        es,
        ops.map((o) => o.op),
        refresh,
      );
      response.forEach((item, i) => {
        const { group, op, created, deleted } = ops[i] as (typeof ops)[number];
        if (item.status < 300) {
          if (created) {
            result.created += 1;
            if (!deleted) checkTombstone.add(group.id);
          } else result.updated += 1;
          return;
        }
        if (item.status === 409 || item.status === 429 || item.status >= 500) {
          retry.push(group);
          return;
        }
        const reject = rejectOf(item, options.jobId, op.body as Buffer);
        result.rejects.push(reject);
        history.push({ action: { index: { _index: names.rejects } }, body: reject });
      });
    }
    await runSide(es, names, history, options, refresh);
    // A deletion by id that wrote its tombstone after this batch looked: mark the new post now.
    if (checkTombstone.size > 0) {
      const late = await tombstonesOf(es, names, [...checkTombstone]);
      checkTombstone.clear();
      for (const [id, tombstone] of late) {
        const group = groups.get(id) as Group;
        retry.push({ ...group, entries: [{ patch: deletionOf(undefined, tombstone, group) }] });
      }
    }
    pending = retry;
  }
  result.indexed = result.created + result.updated;
  return result;
}

function deletionOf(doc: IndexedPost | undefined, t: Tombstone, group?: Group): PostPatch {
  return {
    kind: 'deletion',
    channel: doc?.channel ?? { id: group?.channelId ?? '' },
    messageId: doc?.messageId ?? group?.messageId ?? 0,
    deletedAt: t.deletedAt,
    collectedAt: t.collectedAt,
    source: 'telegram',
  };
}

function versionOp(names: IndexNames, post: IndexedPost): Op {
  return {
    action: { index: { _index: names.versionsIndex(post.postedAt), _id: `${post.id}@${post.version}` } },
    body: {
      postId: post.id,
      channelId: post.channel.id,
      messageId: post.messageId,
      version: post.version,
      postedAt: post.postedAt,
      editedAt: post.editedAt,
      collectedAt: post.collectedAt,
      text: post.text,
      narratives: post.narratives,
    },
  };
}

function rejectOf(
  item: { status: number; error?: estypes.ErrorCause },
  jobId: string | undefined,
  body: Buffer,
): RejectDoc {
  const doc = parse(body);
  return {
    rejectedAt: new Date().toISOString(),
    stage: 'index',
    reason: `${item.error?.type ?? item.status}: ${item.error?.reason ?? 'refused by Elasticsearch'}`,
    source: doc.source,
    channelId: doc.channel.id,
    messageId: doc.messageId,
    jobId,
    raw: body.toString('utf8'),
  };
}

type BulkItem = { status: number; error?: estypes.ErrorCause };
const RESPONSE_FIELDS = 'errors,items.*.status,items.*.error';

async function bulk(es: Client, ops: Op[], refresh: boolean): Promise<BulkItem[]> {
  const operations: unknown[] = [];
  for (const op of ops) operations.push(op.action, op.body);
  const response = await es.bulk({ operations: operations as never, refresh, filter_path: RESPONSE_FIELDS });
  if (!response.errors) return ops.map(() => ({ status: 200 }));
  return response.items.map((item) => {
    const r = Object.values(item)[0] as { status: number; error?: estypes.ErrorCause };
    return { status: r.status, ...(r.error ? { error: r.error } : {}) };
  });
}

/** History, tombstones and rejects: idempotent writes, retried on 429/5xx; a refused one fails the batch. */
async function runSide(
  es: Client,
  names: IndexNames,
  ops: Op[],
  options: { retries?: number },
  refresh: boolean,
) {
  let todo = ops;
  for (let round = 0; todo.length > 0; round += 1) {
    const response = await bulk(es, todo, refresh);
    const again: Op[] = [];
    const errors: string[] = [];
    response.forEach((item, i) => {
      const op = todo[i] as Op;
      if (item.status < 300) return;
      // A tombstone already there: the first deletion time stands.
      if (item.status === 409 && op.action['create']?.['_index'] === names.deletions) return;
      if (item.status === 429 || item.status >= 500) again.push(op);
      errors.push(`${item.status} ${item.error?.type ?? ''}: ${item.error?.reason ?? ''}`.trim());
    });
    if (errors.length > again.length || (again.length > 0 && round >= (options.retries ?? 3))) {
      throw new RetryableBulkError(`bulk items failing: ${errors.slice(0, 3).join('; ')}`);
    }
    if (again.length > 0) await new Promise((r) => setTimeout(r, 500 * 2 ** round));
    todo = again;
  }
}

/** The current documents and tombstones of the groups, read in real time, in one request. */
async function lookup(es: Client, names: IndexNames, groups: Group[]) {
  const found = new Map<string, Found>();
  const tombstones = new Map<string, Tombstone>();
  let everyMonth: string[] | undefined;
  const docs: { _index: string; _id: string }[] = [];
  for (const group of groups) {
    if (group.entries.some((e) => 'post' in e)) docs.push({ _index: names.deletions, _id: group.id });
    if (group.index) {
      docs.push({ _index: group.index, _id: group.id });
      continue;
    }
    // A deletion or metrics refresh by id alone: its post may be in any month.
    everyMonth ??= await postsIndices(es, names);
    for (const index of everyMonth) docs.push({ _index: index, _id: group.id });
  }
  if (docs.length === 0) return { found, tombstones };
  const response = await es.mget<IndexedPost | Tombstone>({ docs });
  for (const doc of response.docs) {
    if (!('found' in doc) || !doc.found || !doc._source) continue;
    if (doc._index === names.deletions) {
      tombstones.set(doc._id, doc._source as Tombstone);
      continue;
    }
    found.set(doc._id, {
      doc: doc._source as IndexedPost,
      index: doc._index,
      seqNo: doc._seq_no as number,
      primaryTerm: doc._primary_term as number,
    });
  }
  // Tombstones of posts that exist are read too: a post that escaped its deletion is healed.
  return { found, tombstones };
}

async function tombstonesOf(es: Client, names: IndexNames, ids: string[]): Promise<Map<string, Tombstone>> {
  const out = new Map<string, Tombstone>();
  if (ids.length === 0) return out;
  const response = await es.mget<Tombstone>({ index: names.deletions, ids });
  for (const doc of response.docs) {
    if ('found' in doc && doc.found && doc._source) out.set(doc._id, doc._source);
  }
  return out;
}

async function postsIndices(es: Client, names: IndexNames): Promise<string[]> {
  const response = await es.indices.get({
    index: names.postsPattern,
    allow_no_indices: true,
    filter_path: '*.settings.index.provided_name',
  });
  return Object.keys(response);
}

export type { estypes };
