// Fault bench: a three-node Elasticsearch cluster and a Redis of its own (ports 19270-19272,
// transport +100, Redis 16391: never the shared servers), three pipeline workers on one queue, and a
// paced replay of the generated sample (30 days, 41 channels, edits and deletions) — once without a
// fault, then with each fault at a third of the way — printing what each fault cost.
//   pnpm bench faults        BENCH_FAULT_DAYS (30), BENCH_FAULT_BATCH (50), BENCH_FAULT_EVERY_MS (100)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEsClient } from '@cw/es';
import { writeSample } from '../faults/ingest.ts';
import { rigDown, rigUp } from '../faults/rig.ts';
import { dropPrefix, type Fault, type FaultReport, runScenario } from '../faults/scenarios.ts';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export async function run() {
  const days = num('BENCH_FAULT_DAYS', 30);
  const batch = num('BENCH_FAULT_BATCH', 50);
  const everyMs = num('BENCH_FAULT_EVERY_MS', 100);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const rig = await rigUp({ basePort: 19_270, nodes: 3, redisPort: 16_391, heap: '512m' }, say);
  const workDir = mkdtempSync(join(tmpdir(), 'cw-bench-faults-'));
  const es = createEsClient(rig.esUrl);
  try {
    const sample = writeSample(workDir, { days, channels: 41 });
    const base = { rig, file: sample.file, events: sample.events, workDir, batch, everyMs };
    say(
      `sample: ${sample.events.length} events, ${new Set(sample.events.map((e) => `${e.channel.id}_${e.messageId}`)).size} posts; ` +
        `${batch} posts per batch every ${everyMs} ms; 3 workers (rules alone), CW_ES_REPLICAS=1, 3 shards per month`,
    );
    const reports: FaultReport[] = [];
    const none = await runScenario('none', { ...base, opsPortBase: 19_290, keepIndices: true });
    reports.push(none);
    for (const [i, fault] of (['worker', 'es-node', 'redis'] as Fault[]).entries()) {
      reports.push(await runScenario(fault, { ...base, opsPortBase: 19_293 + 3 * i, reference: none.state }));
    }
    // Bytes per post at rest: the run's posts index merged to one segment, as old months end up.
    const postsIndex = `${none.prefix}-posts-*`;
    await es.indices.forcemerge({ index: postsIndex, max_num_segments: 1 });
    await es.indices.refresh({ index: postsIndex });
    const stats = await es.indices.stats({ index: postsIndex, metric: ['docs', 'store'] });
    const primaries = stats._all.primaries;
    const total = stats._all.total;
    const docs = primaries?.docs?.count ?? 0;
    const bytes = primaries?.store?.size_in_bytes ?? 0;
    say(
      `posts index at rest (merged): ${docs} posts, ${bytes} bytes of primaries = ${(bytes / Math.max(1, docs)).toFixed(0)} bytes per post; ` +
        `with one replica ${total?.store?.size_in_bytes ?? 0} bytes`,
    );
    await dropPrefix(es, none.prefix);
    say('');
    say(
      'fault      posts  run s  stall s  posts retried  lost  unexpected  edits/deletions lost  differing (posts/versions)  cursors ahead  recovery s',
    );
    for (const r of reports) {
      say(
        `${r.fault.padEnd(9)} ${String(r.posts).padStart(6)} ${r.seconds.toFixed(1).padStart(6)} ${r.stallS.toFixed(2).padStart(8)} ${String(r.postsRetried).padStart(14)} ${String(r.postsLost).padStart(5)} ${String(r.postsUnexpected).padStart(11)} ${`${r.editsLost}/${r.deletionsLost}`.padStart(21)} ${`${r.postsDiffering}/${r.versionsDiffering}`.padStart(27)} ${String(r.cursorsAheadAfterFault + r.cursorsAheadAtEnd).padStart(14)} ${r.recoveryS === undefined ? '-'.padStart(11) : r.recoveryS.toFixed(1).padStart(11)}`,
      );
    }
    say('stall: longest time without a completed batch after the fault (for "none": over the whole run)');
    say(
      'differing: current posts / version-history entries unlike the run without faults (arrival order; none lost)',
    );
  } finally {
    await es.close();
    await rigDown(rig, say);
    rmSync(workDir, { recursive: true, force: true });
  }
}
