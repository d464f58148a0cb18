import { connectionEnv, flag, loadConfig, port, positiveInt } from '@cw/config';
import { z } from 'zod';

export const pipelineSchema = z.object({
  ...connectionEnv,
  // 4: measured best on two cores (pnpm bench pipeline): enrichment of one batch overlaps another's bulk.
  CW_PIPELINE_CONCURRENCY: positiveInt(4, 'a number of batches processed at once'),
  CW_PIPELINE_PORT: port(9101),
  CW_NARRATIVES_DIR: z.string().optional(),
  CW_LANGUAGES: z
    .string()
    .regex(/^[a-z]{2}(,[a-z]{2})*$/, 'expected ISO 639-1 codes separated by commas, e.g. ru,kk,en')
    .optional(),
  CW_PIPELINE_LOCK_MS: positiveInt(30_000, 'a job lock duration in milliseconds'),
  CW_LOG_PRETTY: flag(false),
});

export type PipelineConfig = z.infer<typeof pipelineSchema>;

export function pipelineConfig(env: NodeJS.ProcessEnv): PipelineConfig {
  return loadConfig(pipelineSchema, env);
}
