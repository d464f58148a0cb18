// The fault scenarios, shared by the test (small sample, asserted) and `pnpm bench faults` (larger,
// printed): three pipeline workers ingest a paced replay into a three-node cluster while one part is
// killed, and the outcome is compared with what went in and with a run without faults.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CollectedPostInput } from '@cw/domain';
import { createEsClient } from '@cw/es';
import { whenReady } from '@cw/redis';
import {
  batchesPerWorker,
  cursorsAhead,
  drainAndRead,
  indexedState,
  type JobStats,
  observedQueue,
  pacedReplay,
  startWorkers,
  type Workers,
} from './ingest.ts';
import { killEsNode, killRedis, type Rig, restartEsNode, restartRedis, waitGreen } from './rig.ts';

export async function dropPrefix(es: ReturnType<typeof createEsClient>, prefix: string) {
  await es.indices
    .delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true })
    .catch(() => {});
  await es.indices.deleteIndexTemplate({ name: `${prefix}-*` }).catch(() => {});
}

export type Fault = 'none' | 'es-node' | 'worker' | 'redis';

export type FaultReport = {
  fault: Fault;
  posts: number;
  /** Wall time from the first publish until the queue drained. */
  seconds: number;
  /** Longest time without a completed batch after the fault (the run without faults: over the whole run). */
  stallS: number;
  postsRetried: number;
  postsLost: number;
  /** Indexed ids that were never sent (a duplicate under another id would show here). */
  postsUnexpected: number;
  /** Posts whose version or deletion differs from the run without faults; versions missing or extra. */
  postsDiffering: number;
  versionsDiffering: number;
  /** Edits sent that are neither in the version history nor current; deletions sent whose post is not deleted. */
  editsLost: number;
  deletionsLost: number;
  rejects: number;
  /** Channels whose cursor was past what reached the queue: right after the fault, and at the end. */
  cursorsAheadAfterFault: number;
  cursorsAheadAtEnd: number;
  /** Batches each worker completed (undefined: the worker was killed). */
  batchesPerWorker: Array<number | undefined>;
  jobs: JobStats;
  /** How long the fault's own recovery took (a node rejoining and the cluster green again), seconds. */
  recoveryS?: number;
};

export type Reference = Awaited<ReturnType<typeof indexedState>>;

export type ScenarioOptions = {
  rig: Rig;
  file: string;
  events: CollectedPostInput[];
  workDir: string;
  opsPortBase: number;
  batch: number;
  everyMs: number;
  /** The fault strikes once this share of the posts is published. */
  faultAt?: number;
  reference?: Reference;
  /** Leave the indices in place (the caller snapshots them and deletes them itself). */
  keepIndices?: boolean;
  log?: (line: string) => void;
};

type Injected = { at: number; cursorsAhead?: number; recovery?: Promise<void> };

async function inject(
  fault: Fault,
  rig: Rig,
  workers: Workers,
  target: Awaited<ReturnType<typeof observedQueue>>,
  channelIds: string[],
): Promise<Injected> {
  const at = Date.now();
  if (fault === 'worker') {
    await workers.kill(1);
    return { at };
  }
  if (fault === 'es-node') {
    const port = rig.nodePorts[1] ?? rig.basePort;
    killEsNode(rig, port);
    // The node comes back with its data while the ingest goes on; the replicas take over meanwhile.
    const recovery = (async () => {
      await new Promise((r) => setTimeout(r, 2000));
      await restartEsNode(rig, port);
      await waitGreen(rig, 240_000);
    })();
    return { at, recovery };
  }
  if (fault === 'redis') {
    await killRedis(rig);
    await new Promise((r) => setTimeout(r, 2000));
    await restartRedis(rig);
    // ioredis reconnects on its own; the test's client refuses commands until then.
    await whenReady(target.connection);
    // Read at once from the Redis that came back from its append-only file.
    const ahead = await cursorsAhead(target, channelIds);
    return { at, cursorsAhead: ahead.length };
  }
  return { at };
}

export const prefixOf = (fault: Fault) => `cwf-${fault}-${randomBytes(3).toString('hex')}`;

export async function runScenario(
  fault: Fault,
  options: ScenarioOptions,
): Promise<FaultReport & { state: Reference; prefix: string }> {
  const say = options.log ?? (() => {});
  const prefix = prefixOf(fault);
  const es = createEsClient(options.rig.esUrl);
  const workers = await startWorkers(options.rig, {
    count: 3,
    prefix,
    opsPortBase: options.opsPortBase,
    emptyCacheDir: join(options.workDir, 'no-encoder'),
  });
  const target = await observedQueue(options.rig, prefix);
  const expected = new Set(options.events.map((e) => `${e.channel.id}_${e.messageId}`));
  const channelIds = [...new Set(options.events.map((e) => e.channel.id))];
  const faultAfter = Math.floor(expected.size * (options.faultAt ?? 0.3));
  try {
    const started = Date.now();
    let injected: Promise<Injected> | undefined;
    say(`${fault}: ingesting ${expected.size} posts with 3 workers`);
    await pacedReplay(options.file, target, {
      batch: options.batch,
      everyMs: options.everyMs,
      onProgress: (published) => {
        if (fault !== 'none' && !injected && published >= faultAfter) {
          say(`${fault}: fault injected after ${published} posts`);
          injected = inject(fault, options.rig, workers, target, channelIds);
        }
      },
    });
    const done = (await injected) ?? { at: started };
    const jobs = await drainAndRead(target.queue, done.at, 240_000);
    const seconds = (Date.now() - started) / 1000;
    const perWorker = await batchesPerWorker(workers);
    let recoveryS: number | undefined;
    if (done.recovery) {
      await done.recovery;
      recoveryS = (Date.now() - done.at) / 1000;
    }
    const state = await indexedState(es, prefix);
    const lost = [...expected].filter((id) => !state.posts.has(id)).length;
    const unexpected = [...state.posts.keys()].filter((id) => !expected.has(id)).length;
    const ref = options.reference;
    const postsDiffering = ref ? [...ref.posts].filter(([id, sig]) => state.posts.get(id) !== sig).length : 0;
    const versionsDiffering = ref
      ? [...ref.versions].filter((v) => !state.versions.has(v)).length +
        [...state.versions].filter((v) => !ref.versions.has(v)).length
      : 0;
    const edits = options.events.filter((e) => e.editedAt && !e.deletedAt);
    const editsLost = edits.filter(
      (e) => !state.versions.has(`${e.channel.id}_${e.messageId}@${Date.parse(e.editedAt ?? '')}`),
    ).length;
    const deletedIds = new Set(
      options.events.filter((e) => e.deletedAt).map((e) => `${e.channel.id}_${e.messageId}`),
    );
    const deletionsLost = [...deletedIds].filter(
      (id) => state.posts.get(id)?.endsWith(' d-') !== false,
    ).length;
    const report: FaultReport & { state: Reference } = {
      fault,
      posts: expected.size,
      seconds,
      stallS: jobs.longestGapS,
      postsRetried: jobs.postsRetried,
      postsLost: lost,
      postsUnexpected: unexpected,
      postsDiffering,
      versionsDiffering,
      editsLost,
      deletionsLost,
      rejects: state.rejects,
      cursorsAheadAfterFault: done.cursorsAhead ?? 0,
      cursorsAheadAtEnd: (await cursorsAhead(target, channelIds)).length,
      batchesPerWorker: perWorker,
      jobs,
      ...(recoveryS !== undefined ? { recoveryS } : {}),
      state,
    };
    say(`${fault}: ${JSON.stringify({ ...report, state: undefined })}`);
    return { ...report, prefix };
  } finally {
    await workers.stop();
    await target.queue.obliterate({ force: true }).catch(() => {});
    await target.queue.close();
    target.connection.disconnect();
    if (!options.keepIndices) await dropPrefix(es, prefix);
    await es.close();
  }
}
