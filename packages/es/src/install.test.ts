import { describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { installIndices } from './install.ts';
import { indexNames } from './names.ts';

const ctx = isolatedServers();

describe('installIndices settings', () => {
  it('gives new monthly indices CW_ES_SHARDS_PER_MONTH primaries; the single indices keep one', async () => {
    const prefix = `${ctx.prefix}-sh`;
    await installIndices(ctx.es, prefix, { shardsPerMonth: 3 });
    const names = indexNames(prefix);
    const month = names.postsIndex('2026-03-04T00:00:00Z');
    await ctx.es.indices.create({ index: month });
    const settings = await ctx.es.indices.getSettings({ index: [month, names.rejects] });
    expect(settings[month]?.settings?.index?.number_of_shards).toBe('3');
    expect(settings[names.rejects]?.settings?.index?.number_of_shards).toBe('1');
    expect(settings[month]?.settings?.index?.number_of_replicas).toBe('0');
  });

  it('refuses replicas on a one-node cluster with a message naming CW_ES_REPLICAS, and creates nothing', async () => {
    const prefix = `${ctx.prefix}-rep`;
    const health = await ctx.es.cluster.health();
    // This file runs against the test run's Elasticsearch, a single node.
    expect(health.number_of_data_nodes).toBe(1);
    await expect(installIndices(ctx.es, prefix, { replicas: 1 })).rejects.toThrow(
      /^CW_ES_REPLICAS=1, but the cluster has 1 data node/,
    );
    expect(await ctx.es.indices.exists({ index: indexNames(prefix).rejects })).toBe(false);
  });
});
