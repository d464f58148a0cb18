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

const shards = { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' };

/**
 * Install templates and the single indices, at start-up, idempotently: a template PUT replaces
 * itself, and an index that exists is left as it is. New monthly indices pick the template up and
 * join the read alias on creation.
 */
export async function installIndices(es: Client, prefix: string, options: { replicas?: number } = {}) {
  const names = indexNames(prefix);
  const settings = { ...shards, number_of_replicas: options.replicas ?? 0 };
  await es.indices.putIndexTemplate({
    name: `${prefix}-posts`,
    index_patterns: [names.postsPattern],
    priority: 200,
    template: { settings, mappings: postsMapping, aliases: { [names.posts]: {} } },
  });
  await es.indices.putIndexTemplate({
    name: `${prefix}-post-versions`,
    index_patterns: [names.versionsPattern],
    priority: 200,
    template: { settings, mappings: versionsMapping, aliases: { [names.versions]: {} } },
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
    await es.indices.create({ index, settings, mappings }, { ignore: [400] });
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
  return names;
}

/** The read alias exists only once an index joined it: create this month's index up front. */
export async function ensureCurrentPostsIndex(es: Client, prefix: string, now = new Date()) {
  const names = indexNames(prefix);
  await es.indices.create({ index: names.postsIndex(now.toISOString()) }, { ignore: [400] });
}
