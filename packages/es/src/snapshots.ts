import type { Client } from '@elastic/elasticsearch';
import { indexNames } from './names.ts';

// Snapshots of one prefix's indices to a shared filesystem repository (`type: fs`; its location must
// lie under every node's `path.repo`). Templates are not in a snapshot (no global state): a service
// installs them at start-up on the cluster it restores into.

export type SnapshotRepository = {
  /** Repository name in the cluster. */
  name: string;
  /** Folder, absolute or relative to `path.repo`; the same shared filesystem on every node. */
  location: string;
  /** A cluster that only restores registers the repository read-only, so two clusters never both write. */
  readonly?: boolean;
};

/** Register the repository (idempotent: a PUT with the same settings replaces itself). */
export async function ensureRepository(es: Client, repo: SnapshotRepository) {
  try {
    await es.snapshot.createRepository({
      name: repo.name,
      repository: { type: 'fs', settings: { location: repo.location, readonly: repo.readonly ?? false } },
    });
  } catch (err) {
    const reason = JSON.stringify((err as { meta?: { body?: unknown } }).meta?.body ?? String(err));
    if (/path\.repo|doesn't match any of the locations/.test(reason)) {
      throw new Error(
        `snapshot repository location '${repo.location}' is not under the nodes' path.repo; ` +
          'set path.repo on every node (the local stack does) or CW_SNAPSHOT_LOCATION to a folder under it',
      );
    }
    throw err;
  }
}

/** A snapshot of every index of the prefix (posts, versions, rejects, alerts, deliveries), waited for. */
export async function createSnapshot(
  es: Client,
  options: { repository: string; prefix: string; name: string },
) {
  const result = await es.snapshot.create({
    repository: options.repository,
    snapshot: options.name,
    indices: `${options.prefix}-*`,
    include_global_state: false,
    wait_for_completion: true,
  });
  const snapshot = result.snapshot;
  if (snapshot?.state !== 'SUCCESS') {
    throw new Error(
      `snapshot ${options.name} ended ${snapshot?.state ?? 'without a state'}: ${JSON.stringify(snapshot?.failures ?? [])}`,
    );
  }
  return { name: options.name, indices: snapshot.indices ?? [], shards: snapshot.shards };
}

export async function listSnapshots(es: Client, repository: string) {
  const result = await es.snapshot.get({ repository, snapshot: '_all' });
  return (result.snapshots ?? []).map((s) => ({
    name: s.snapshot,
    state: s.state ?? 'unknown',
    startedAt: s.start_time_in_millis ? new Date(Number(s.start_time_in_millis)).toISOString() : undefined,
    indices: s.indices ?? [],
  }));
}

/**
 * Restore the prefix's indices of a snapshot, with their aliases, and wait. An index that exists is
 * not overwritten: restore into a fresh cluster, or delete the index first (the message says which).
 */
export async function restoreSnapshot(
  es: Client,
  options: { repository: string; prefix: string; name: string },
) {
  const names = indexNames(options.prefix);
  const found = await es.snapshot.get({ repository: options.repository, snapshot: options.name });
  const snapshot = found.snapshots?.[0];
  const wanted = (snapshot?.indices ?? []).filter((i) => i.startsWith(`${options.prefix}-`));
  const existing = wanted.length
    ? Object.keys(await es.indices.get({ index: wanted, ignore_unavailable: true, allow_no_indices: true }))
    : [];
  if (existing.length > 0) {
    throw new Error(
      `these indices already exist here and a restore does not overwrite them: ${existing.join(', ')}; ` +
        'restore into a fresh cluster or delete them first',
    );
  }
  const result = await es.snapshot.restore({
    repository: options.repository,
    snapshot: options.name,
    indices: `${options.prefix}-*`,
    include_global_state: false,
    include_aliases: true,
    wait_for_completion: true,
  });
  const shards = result.snapshot?.shards;
  if (shards && shards.failed > 0)
    throw new Error(`restore of ${options.name}: ${shards.failed} shards failed`);
  return { name: options.name, indices: result.snapshot?.indices ?? wanted, alias: names.posts };
}
