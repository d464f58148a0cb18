import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pipelineNodeOptions } from '../../../tests/support/compose.ts';

/** The heap V8 gives a process started with `args`, in MB: its old-space limit and the rest. */
function heapOf(args: readonly string[]): { limit: number; old: number } {
  const limit = Number(
    execFileSync(process.execPath, [...args, '-p', 'require("v8").getHeapStatistics().heap_size_limit'], {
      encoding: 'utf8',
    }),
  );
  const old = Number(/--max-old-space-size=(\d+)/.exec(args.join(' '))?.[1]);
  return { limit: limit / 2 ** 20, old };
}

describe("the pipeline worker's heap as docker-compose.yml starts it", () => {
  it('has a young generation of at most 48 MB on this Node, whatever its default', () => {
    // Node 24 sizes the young generation at 192 MB for a 192 MB old space (Node 20: 48 MB). On the
    // real channel stream that made the worker collect its old space ~170 times in a run (20 on Node
    // 20): 7 of its main thread's 25 busy seconds, and a third fewer posts per second.
    const { limit, old } = heapOf(pipelineNodeOptions());
    expect(old).toBeGreaterThan(0);
    expect(limit - old).toBeLessThanOrEqual(48);
    expect(limit - old).toBeGreaterThan(0);
  });
});
