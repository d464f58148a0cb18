// A three-node Elasticsearch cluster and a Redis of this file's own (ports 19250-19252, transport
// +100, Redis 16390; never the shared servers), three pipeline worker processes on one queue, and a
// paced replay of a generated sample with edits and deletions. Each fault ends with every post
// exactly once, every edit in the version history, every deletion on its post, and no cursor ahead of
// the queue. The current text of a post may differ from the run without faults when an edit is
// processed after its post's deletion (the deletion keeps the content it carried; the edit is history).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEsClient } from '@cw/es';
import { stackDown, stackStatus, stackUp } from '@cw/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as snapshotCommand } from '../../services/cli/src/commands/snapshot.ts';
import { run as stackCommand } from '../../services/cli/src/commands/stack.ts';
import { captureIo, withEnv } from '../support/command-io.ts';
import { indexedState, writeSample } from './ingest.ts';
import { type Rig, rigDown, rigUp } from './rig.ts';
import {
  dropPrefix,
  type FaultReport,
  type Reference,
  runScenario,
  type ScenarioOptions,
} from './scenarios.ts';

const BASE = 19_250;
const REDIS = 16_390;
const FRESH = 19_260;
const log = (line: string) => console.log(`[faults] ${line}`);

let rig: Rig;
let base: Omit<ScenarioOptions, 'opsPortBase'>;
let reference: Reference;
let referencePrefix: string;
let workDir: string;

/** What no fault may cost: a post lost or doubled, an edit or deletion lost, a failed batch, a cursor ahead. */
function expectNothingLost(report: FaultReport) {
  expect(report.postsLost).toBe(0);
  expect(report.postsUnexpected).toBe(0);
  expect(report.editsLost).toBe(0);
  expect(report.deletionsLost).toBe(0);
  expect(report.jobs.failed).toBe(0);
  expect(report.cursorsAheadAtEnd).toBe(0);
}

beforeAll(async () => {
  rig = await rigUp({ basePort: BASE, nodes: 3, redisPort: REDIS, heap: '512m' }, (l) => log(l));
  workDir = mkdtempSync(join(tmpdir(), 'cw-faults-'));
  const sample = writeSample(workDir, { days: 10, channels: 41 });
  base = { rig, file: sample.file, events: sample.events, workDir, batch: 25, everyMs: 50, log };
}, 400_000);

afterAll(async () => {
  if (referencePrefix) await dropPrefix(createEsClient(rig.esUrl), referencePrefix);
  if (rig) await rigDown(rig, (l) => log(l));
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('a three-node cluster', () => {
  it('`cw stack status` shows each node, its process and the cluster health', async () => {
    const { io, out } = captureIo();
    const env = {
      CW_ES_PORT: String(BASE),
      CW_REDIS_PORT: String(REDIS),
      CW_ES_URL: '',
      CW_REDIS_URL: '',
    };
    const code = await withEnv(env, () => stackCommand(['status'], io));
    expect(code).toBe(0);
    expect(out()).toMatch(
      /elasticsearch\s+8\.\S+\s+http:\/\/127\.0\.0\.1:1925\d\s+(green|yellow) \(3 nodes\)/,
    );
    for (const port of [19_250, 19_251, 19_252])
      expect(out()).toMatch(
        new RegExp(`node cw-${port}\\s+127\\.0\\.0\\.1:${port}\\s+\\S+\\s+heap \\d+%.*pid \\d+`),
      );
    expect(out().match(/elected master/g)).toHaveLength(1);
  });

  it('three workers on one queue: every post indexed exactly once, each batch processed once, work shared', async () => {
    const report = await runScenario('none', { ...base, opsPortBase: 19_190, keepIndices: true });
    reference = report.state;
    referencePrefix = report.prefix;
    expect(report.postsLost).toBe(0);
    expect(report.postsUnexpected).toBe(0);
    expect(report.state.posts.size).toBe(report.posts);
    // Every batch started once: no worker took a batch another one held.
    expect(report.postsRetried).toBe(0);
    expect(report.jobs.posts).toBe(base.events.length);
    expect(report.batchesPerWorker.every((n) => (n ?? 0) > 0)).toBe(true);
    expect(report.batchesPerWorker.reduce((a, n) => (a ?? 0) + (n ?? 0), 0)).toBe(report.jobs.jobs);
    // Edits and deletions of the sample arrived as such.
    expect(report.editsLost).toBe(0);
    expect(report.deletionsLost).toBe(0);
    const deleted = new Set(
      base.events.filter((e) => e.deletedAt).map((e) => `${e.channel.id}_${e.messageId}`),
    );
    expect(deleted.size).toBeGreaterThan(0);
    expect([...report.state.posts.values()].filter((sig) => !sig.endsWith('d-')).length).toBe(deleted.size);
    expect(report.state.versions.size).toBeGreaterThanOrEqual(base.events.filter((e) => e.editedAt).length);
    expect(report.cursorsAheadAtEnd).toBe(0);
  }, 240_000);

  it('SIGKILL of one of three workers mid-ingest: its batch moves on, nothing lost or changed', async () => {
    const report = await runScenario('worker', { ...base, opsPortBase: 19_193, reference });
    expect(report.batchesPerWorker[1]).toBeUndefined();
    expectNothingLost(report);
  }, 240_000);

  it('SIGKILL of one Elasticsearch node mid-ingest, brought back: nothing lost or changed, cluster green', async () => {
    const report = await runScenario('es-node', { ...base, opsPortBase: 19_196, reference });
    expect(report.recoveryS).toBeGreaterThan(0);
    expectNothingLost(report);
    const health = await (await fetch(`http://127.0.0.1:${BASE}/_cluster/health`)).json();
    expect(health).toMatchObject({ status: 'green', number_of_nodes: 3 });
  }, 400_000);

  it('Redis SIGKILLed mid-ingest and restarted from its AOF: no cursor ahead of the queue, nothing lost', async () => {
    const report = await runScenario('redis', { ...base, opsPortBase: 19_199, reference });
    expect(report.cursorsAheadAfterFault).toBe(0);
    expectNothingLost(report);
  }, 240_000);

  it('`cw snapshot create` then `restore` into a fresh node gives back every post, version and deletion', async () => {
    expect(referencePrefix).toBeDefined();
    const repo = `cwf-snapshots-${referencePrefix}`;
    const created = captureIo();
    const createEnv = {
      CW_ES_URL: rig.esUrl,
      CW_INDEX_PREFIX: referencePrefix,
      CW_SNAPSHOT_REPOSITORY: repo,
    };
    expect(await withEnv(createEnv, () => snapshotCommand(['create', 'first'], created.io))).toBe(0);
    expect(created.out()).toMatch(/^snapshot first in cwf-snapshots-\S+: \d+ indices/);

    // A fresh single node: an empty data folder, the same shared path.repo.
    rmSync(join(rig.paths.esRoot, String(FRESH)), { recursive: true, force: true });
    await stackUp({ esPort: FRESH, redisUrl: rig.redisUrl, redisPort: REDIS, esHeap: '512m' });
    try {
      const url = `http://127.0.0.1:${FRESH}`;
      const restored = captureIo();
      const restoreEnv = { CW_ES_URL: url, CW_INDEX_PREFIX: referencePrefix, CW_SNAPSHOT_REPOSITORY: repo };
      expect(await withEnv(restoreEnv, () => snapshotCommand(['restore', 'first'], restored.io))).toBe(0);
      const fresh = createEsClient(url);
      const state = await indexedState(fresh, referencePrefix);
      expect(state.posts.size).toBe(reference.posts.size);
      expect([...reference.posts].filter(([id, sig]) => state.posts.get(id) !== sig)).toEqual([]);
      expect(state.versions).toEqual(reference.versions);
      // Restoring again over what is there is refused with a message, not a silent overwrite.
      const again = captureIo();
      await expect(
        withEnv(restoreEnv, () => snapshotCommand(['restore', 'first'], again.io)),
      ).rejects.toThrow(/already exist here and a restore does not overwrite them/);
      await fresh.close();
    } finally {
      await stackDown({ esPort: FRESH, redisPort: REDIS }, () => {}, ['elasticsearch']);
      rmSync(join(rig.paths.esRoot, String(FRESH)), { recursive: true, force: true });
    }
  }, 300_000);
});

describe('the status of a stopped cluster', () => {
  it('is reported down after `stack down`, every node stopped', async () => {
    // Checked last, on this file's own cluster: `down` stops every node `up` recorded.
    await stackDown({ esPort: BASE, redisPort: REDIS }, () => {}, ['elasticsearch']);
    rig.started = rig.started.filter((s) => s !== 'elasticsearch');
    const status = await stackStatus({ esPort: BASE, redisPort: REDIS, esNodes: 3 });
    expect(status.find((s) => s.name === 'elasticsearch')?.origin).toBe('down');
  }, 120_000);
});
