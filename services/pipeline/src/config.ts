import { cpus } from 'node:os';
import { connectionEnv, flag, loadConfig, port, positiveInt } from '@cw/config';
import { z } from 'zod';

export const pipelineSchema = z.object({
  ...connectionEnv,
  // 2: one batch is enriched while the other is in Elasticsearch. On two cores it beat 4 in three
  // alternating runs of `pnpm bench pipeline` (fewer batches in flight, less for the GC to copy);
  // raise it when Elasticsearch is remote and each bulk waits longer.
  CW_PIPELINE_CONCURRENCY: positiveInt(4, 'a number of batches processed at once'),
  CW_PIPELINE_PORT: port(9101),
  /** Address of /healthz and /metrics: loopback unless a scraper elsewhere needs it (0.0.0.0). */
  CW_PIPELINE_HOST: z
    .string()
    .regex(/^[0-9A-Za-z.:[\]-]+$/, 'expected an address to listen on, e.g. 127.0.0.1 or 0.0.0.0')
    .default('127.0.0.1'),
  CW_NARRATIVES_DIR: z.string().optional(),
  CW_LANGUAGES: z
    .string()
    .regex(/^[a-z]{2}(,[a-z]{2})*$/, 'expected ISO 639-1 codes separated by commas, e.g. ru,kk,en')
    .optional(),
  CW_PIPELINE_LOCK_MS: positiveInt(30_000, 'a job lock duration in milliseconds'),
  // Threads encoding narrative candidates at most, each with its own onnxruntime session (~100 MB): one
  // starts, the others when candidates wait for it (encoder.ts, GROW_AT). Unset: one per core, at most
  // 2 (two threads took the bench from 1,549 to 2,037 posts/s on two cores when most candidates were
  // encoded).
  CW_ENCODER_THREADS: positiveInt(Math.min(2, cpus().length), 'a number of encoder threads'),
  CW_LOG_PRETTY: flag(false),
});

export type PipelineConfig = z.infer<typeof pipelineSchema>;

export function pipelineConfig(env: NodeJS.ProcessEnv): PipelineConfig {
  return loadConfig(pipelineSchema, env);
}
