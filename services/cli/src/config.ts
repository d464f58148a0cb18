import { collectorEnv } from '@cw/collector/config';
import { connectionEnv, esAuth, loadConfig, port } from '@cw/config';
import { z } from 'zod';

// The CLI reads the environment here and nowhere else; commands receive the parsed result.
export const cliSchema = z.object({
  ...connectionEnv,
  CW_ES_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'expected an Elasticsearch version such as 8.19.21')
    .optional(),
  CW_ES_HEAP: z
    .string()
    .regex(/^\d+[mg]$/, 'expected a JVM heap size such as 1g or 512m')
    .default('1g'),
  CW_ES_NODES: z.coerce
    .number({ error: 'expected a number of Elasticsearch nodes from 1 to 9' })
    .int('expected a number of Elasticsearch nodes from 1 to 9')
    .min(1, 'expected a number of Elasticsearch nodes from 1 to 9')
    .max(9, 'expected a number of Elasticsearch nodes from 1 to 9')
    .default(1),
  CW_SNAPSHOT_REPOSITORY: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,60}$/, 'expected a repository name: lower-case letters, digits, - or _')
    .optional(),
  CW_SNAPSHOT_LOCATION: z.string().min(1).optional(),
  CW_PIPELINE_PORT: port(9101),
  CW_NARRATIVES_DIR: z.string().optional(),
  CW_API_PORT: port(8080),
  ...collectorEnv,
});

export type CliConfig = z.infer<typeof cliSchema>;

export function cliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  return loadConfig(cliSchema, env);
}

export function stackOptions(config: CliConfig) {
  return {
    redisUrl: config.CW_REDIS_URL,
    esUrl: config.CW_ES_URL,
    redisPort: config.CW_REDIS_PORT,
    esPort: config.CW_ES_PORT,
    esVersion: config.CW_ES_VERSION,
    esHeap: config.CW_ES_HEAP,
    esNodes: config.CW_ES_NODES,
    cacheDir: config.CW_CACHE_DIR,
    esAuth: esAuth(config),
  };
}
