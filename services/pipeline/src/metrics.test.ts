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

  it('reports zero candidates without the classifier', async () => {
    const text = await createPipelineMetrics(queue).registry.metrics();
    expect(value(text, 'cw_pipeline_encoder_texts_total')).toBe(0);
    expect(value(text, 'cw_pipeline_encoder_threads')).toBe(0);
  });
});
