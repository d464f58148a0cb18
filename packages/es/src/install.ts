import type { Client } from '@elastic/elasticsearch';
import {
  alertsMapping,
  deletionsMapping,
  deliveriesMapping,
  feedbackMapping,
  postsMapping,
  rejectsMapping,
  versionsMapping,
} from './mappings.ts';
import { indexNames } from './names.ts';

export type IndexSettings = {
  /** Replicas per shard, for every index of the prefix (CW_ES_REPLICAS): 0 on one node, 1 on a cluster. */
  replicas?: number;
  /** Primary shards of each monthly posts and versions index created from now on (CW_ES_SHARDS_PER_MONTH). */
  shardsPerMonth?: number;
  /** Told when the cluster has fewer data nodes than the replicas need right now (a node may be down). */
  onWarning?: (message: string) => void;
};

/**
 * Install templates and the single indices, at start-up, idempotently: a template PUT replaces
 * itself, and an index that exists is left as it is (but takes the replica count, a dynamic
 * setting). New monthly indices pick the template up and join the read alias on creation.
 *
 * Replicas a cluster can never place are refused: on one data node a replica would never be
 * allocated (never beside its own primary) and every index would stay yellow.
 */
export async function installIndices(es: Client, prefix: string, options: IndexSettings = {}) {
  const names = indexNames(prefix);
  const replicas = options.replicas ?? 0;
  const monthly = {
    number_of_shards: options.shardsPerMonth ?? 1,
    number_of_replicas: replicas,
    refresh_interval: '1s',
  };
  const single = { ...monthly, number_of_shards: 1 };
  if (replicas > 0) {
    const health = await es.cluster.health();
    const dataNodes = health.number_of_data_nodes;
    if (dataNodes <= 1) {
      throw new Error(
        `CW_ES_REPLICAS=${replicas}, but the cluster has ${dataNodes} data node: a replica is never placed ` +
          'on the node that holds its primary, so every index would stay yellow; set CW_ES_REPLICAS=0 or add nodes',
      );
    }
    if (dataNodes <= replicas) {
      options.onWarning?.(
        `CW_ES_REPLICAS=${replicas} needs ${replicas + 1} data nodes and the cluster has ${dataNodes} now; ` +
          'the missing copies are placed when nodes join',
      );
    }
  }
  await es.indices.putIndexTemplate({
    name: `${prefix}-posts`,
    index_patterns: [names.postsPattern],
    priority: 200,
    template: { settings: monthly, mappings: postsMapping, aliases: { [names.posts]: {} } },
  });
  await es.indices.putIndexTemplate({
    name: `${prefix}-post-versions`,
    index_patterns: [names.versionsPattern],
    priority: 200,
    template: { settings: monthly, mappings: versionsMapping, aliases: { [names.versions]: {} } },
  });
  const singles = [
    [names.rejects, rejectsMapping],
    [names.alerts, alertsMapping],
    [names.deliveries, deliveriesMapping],
    [names.deletions, deletionsMapping],
    [names.feedback, feedbackMapping],
  ] as const;
  for (const [index, mappings] of singles) {
    const exists = await es.indices.exists({ index });
    if (exists) {
      await es.indices.putMapping({ index, ...mappings });
      continue;
    }
    await es.indices.create({ index, settings: single, mappings }, { ignore: [400] });
  }
  // Monthly indices made before a field was added get it too (a template only shapes new ones).
  const existing = await es.indices.get({
    index: names.postsPattern,
    allow_no_indices: true,
    filter_path: '*.settings.index.provided_name',
  });
  if (Object.keys(existing).length > 0)
    await es.indices.putMapping({ index: names.postsPattern, ...postsMapping });
  await ensureCurrentPostsIndex(es, prefix);
  // Existing indices take a changed replica count; their shard count stays what it was made with.
  await es.indices.putSettings({
    index: [names.postsPattern, names.versionsPattern, ...singles.map(([index]) => index)],
    settings: { number_of_replicas: replicas },
    allow_no_indices: true,
    ignore_unavailable: true,
    expand_wildcards: 'open',
  });
  return names;
}

/** The read alias exists only once an index joined it: create this month's index up front. */
export async function ensureCurrentPostsIndex(es: Client, prefix: string, now = new Date()) {
  const names = indexNames(prefix);
  await es.indices.create({ index: names.postsIndex(now.toISOString()) }, { ignore: [400] });
}
