import { createQueue } from '@cw/queues';
import { createRedis } from '@cw/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../tests/support/servers.ts';
import { createPipelineMetrics } from './metrics.ts';

const ctx = isolatedServers();
const queue = createQueue('posts', { connection: createRedis(ctx.redisUrl, 'worker'), prefix: ctx.prefix });
afterAll(() => queue.close());

const value = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

describe('pipeline metrics', () => {
  it('reports the classifier candidates, encoder calls and encoder threads as they are at each scrape', async () => {
    const stats = { candidates: 10, encoded: 4, encoderThreads: 1 };
    const metrics = createPipelineMetrics(queue, { stats });
    let text = await metrics.registry.metrics();
    expect(value(text, 'cw_pipeline_classifier_candidates_total')).toBe(10);
    expect(value(text, 'cw_pipeline_encoder_texts_total')).toBe(4);
    expect(value(text, 'cw_pipeline_encoder_threads')).toBe(1);
    stats.candidates = 25;
    stats.encoded = 6;
    stats.encoderThreads = 2;
    text = await metrics.registry.metrics();
    expect(value(text, 'cw_pipeline_classifier_candidates_total')).toBe(25);
    expect(value(text, 'cw_pipeline_encoder_texts_total')).toBe(6);
    expect(value(text, 'cw_pipeline_encoder_threads')).toBe(2);
  });

  it("with defaults, reports the process's garbage collection and heap; without, only its own series", async () => {
    const metrics = createPipelineMetrics(queue, undefined, { defaults: true });
    // Garbage enough for the young generation to be collected; the observer reports it a tick later.
    let kept = 0;
    let count = 0;
    for (let round = 0; round < 40 && count === 0; round++) {
      for (let i = 0; i < 200_000; i++) kept += { i, s: `x${i}` }.s.length;
      await new Promise((r) => setTimeout(r, 50));
      const text = await metrics.registry.metrics();
      count = [...text.matchAll(/^nodejs_gc_duration_seconds_count\{[^}]*\} (\S+)$/gm)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    }
    expect(kept).toBeGreaterThan(0);
    expect(count).toBeGreaterThan(0);
    expect(await metrics.registry.metrics()).toMatch(
      /^nodejs_heap_space_size_used_bytes\{space="new"\} \d+/m,
    );
    const plain = await createPipelineMetrics(queue).registry.metrics();
    expect(plain).not.toMatch(/^nodejs_/m);
  });

  it('reports zero candidates without the classifier', async () => {
    const text = await createPipelineMetrics(queue).registry.metrics();
    expect(value(text, 'cw_pipeline_encoder_texts_total')).toBe(0);
    expect(value(text, 'cw_pipeline_encoder_threads')).toBe(0);
  });
});
