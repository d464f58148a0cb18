import { installIndices } from '@cw/es';
import { createLogger } from '@cw/logging';
import { createRedis } from '@cw/redis';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../../../../tests/support/command-io.ts';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import { run as retentionCommand } from '../../../cli/src/commands/retention.ts';
import { startSchedules } from '../schedules.ts';
import {
  applyRetention,
  BASELINE_DAYS,
  listMonthlyIndices,
  type MonthlyIndex,
  retentionPlan,
} from './retention.ts';

const ctx = isolatedServers();
const log = createLogger({ service: 'test', level: 'silent' });

const months = (list: string[]): MonthlyIndex[] =>
  list.flatMap((month) => [
    { index: `cw-posts-${month}`, kind: 'posts' as const, month },
    { index: `cw-post-versions-${month}`, kind: 'versions' as const, month },
  ]);

describe('retention plan', () => {
  const all = months([
    '2025.11',
    '2026.06',
    '2026.07',
    '2026.08',
    '2026.09',
    '2026.10',
    '2026.11',
    '2026.12',
  ]);

  it('drops only months that ended before the retention window, posts and versions alike', () => {
    const plan = retentionPlan(all, { months: 3, now: new Date('2026-12-10T12:00:00Z') });
    // Posts of 2026-09-10 onwards must stay, so September stays; August and older go.
    expect(plan.drop.map((i) => i.index).sort()).toEqual(
      months(['2025.11', '2026.06', '2026.07', '2026.08'])
        .map((i) => i.index)
        .sort(),
    );
    expect(plan.heldForBaselines).toEqual([]);
  });

  it('keeps the months the digest and spike baselines still read, even with one month of retention', () => {
    // On 2 December, one month back is 2 November, but the baselines read back to late October.
    const plan = retentionPlan(all, { months: 1, now: new Date('2026-12-02T01:00:00Z') });
    expect(BASELINE_DAYS).toBeGreaterThanOrEqual(31);
    expect(plan.keep.map((i) => i.month)).toContain('2026.10');
    expect(plan.heldForBaselines.map((i) => i.index)).toEqual([
      'cw-posts-2026.10',
      'cw-post-versions-2026.10',
    ]);
    expect(plan.drop.map((i) => i.month)).not.toContain('2026.10');
    expect(plan.drop.map((i) => i.month)).toContain('2026.09');
  });

  it('drops nothing when retention is unset', () => {
    const plan = retentionPlan(all, { months: undefined, now: new Date('2030-01-01T00:00:00Z') });
    expect(plan.drop).toEqual([]);
    expect(plan.keep).toHaveLength(all.length);
  });
});

describe('retention on Elasticsearch', () => {
  const prefix = `${ctx.prefix}-ret`;
  const created = ['2026.01', '2026.02', '2026.05', '2026.06'];
  const setUp = async () => {
    await installIndices(ctx.es, prefix);
    for (const month of created) {
      await ctx.es.indices.create({ index: `${prefix}-posts-${month}` }, { ignore: [400] });
      await ctx.es.indices.create({ index: `${prefix}-post-versions-${month}` }, { ignore: [400] });
    }
    // A look-alike that is not a monthly index of this prefix must survive.
    await ctx.es.indices.create({ index: `${prefix}-posts-2026.01-copy` }, { ignore: [400] });
  };
  const now = new Date('2026-06-15T00:00:00Z');
  afterEach(() => ctx.es.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true }));

  it('a dry run drops nothing; the real run drops exactly the old months of posts and versions', async () => {
    await setUp();
    const dry = await applyRetention({ es: ctx.es, prefix, months: 3, now, dryRun: true });
    expect(dry.drop.map((i) => i.index).sort()).toEqual(
      [
        `${prefix}-posts-2026.01`,
        `${prefix}-post-versions-2026.01`,
        `${prefix}-posts-2026.02`,
        `${prefix}-post-versions-2026.02`,
      ].sort(),
    );
    expect(dry.dropped).toEqual([]);
    expect((await listMonthlyIndices(ctx.es, prefix)).length).toBeGreaterThanOrEqual(8);

    const real = await applyRetention({ es: ctx.es, prefix, months: 3, now });
    expect(real.dropped).toHaveLength(4);
    const left = (await listMonthlyIndices(ctx.es, prefix)).map((i) => i.index);
    expect(left).toEqual(
      expect.arrayContaining([`${prefix}-posts-2026.05`, `${prefix}-post-versions-2026.06`]),
    );
    expect(left.some((i) => i.includes('2026.01') || i.includes('2026.02'))).toBe(false);
    expect(await ctx.es.indices.exists({ index: `${prefix}-posts-2026.01-copy` })).toBe(true);
    // The read alias still answers over what is left.
    expect((await ctx.es.count({ index: `${prefix}-posts` })).count).toBe(0);
  });

  it('`cw retention --dry-run` lists what it would drop and drops nothing', async () => {
    await setUp();
    const env = {
      CW_INDEX_PREFIX: prefix,
      CW_RETENTION_MONTHS: '3',
      CW_ES_URL: ctx.esUrl,
      CW_REDIS_URL: ctx.redisUrl,
    };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      const { io, out } = captureIo();
      expect(await retentionCommand(['--dry-run', '--at', now.toISOString()], io)).toBe(0);
      expect(out()).toContain(`would drop  ${prefix}-posts-2026.01`);
      expect(out()).toContain('dry run: would drop 4');
      expect(await ctx.es.indices.exists({ index: `${prefix}-posts-2026.01` })).toBe(true);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('the scheduler runs retention on its schedule', async () => {
    await setUp();
    const client = createRedis(ctx.redisUrl, 'client');
    const worker = createRedis(ctx.redisUrl, 'worker');
    const ran: Date[] = [];
    const schedules = await startSchedules({
      connection: client,
      workerConnection: worker,
      prefix: ctx.prefix,
      log,
      spikeEveryMs: 3600_000,
      digestCron: '0 0 1 1 *',
      digestTz: 'UTC',
      outboxEveryMs: 3600_000,
      retentionCron: '* * * * * *',
      handlers: {
        spikes: async () => {},
        digest: async () => {},
        outbox: async () => {},
        retention: async (at) => {
          ran.push(at);
          await applyRetention({ es: ctx.es, prefix, months: 3, now });
        },
      },
    });
    try {
      const deadline = Date.now() + 10_000;
      while (ran.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await schedules.close();
      client.disconnect();
      worker.disconnect();
    }
    expect(ran.length).toBeGreaterThan(0);
    expect(await ctx.es.indices.exists({ index: `${prefix}-posts-2026.01` })).toBe(false);
    expect(await ctx.es.indices.exists({ index: `${prefix}-posts-2026.05` })).toBe(true);
  });
});
