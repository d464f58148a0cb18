import { connectionEnv, flag, loadConfig, port, positiveInt } from '@cw/config';
import { z } from 'zod';

export const apiSchema = z.object({
  ...connectionEnv,
  CW_API_PORT: port(8080),
  CW_API_HOST: z.string().min(1).default('127.0.0.1'),
  /** Comma-separated `name:sha256hex` or bare `sha256hex` entries: hashes of the bearer tokens. */
  CW_API_KEYS: z
    .string()
    .regex(
      /^\s*([A-Za-z0-9_.-]+:)?[0-9a-fA-F]{64}\s*(,\s*([A-Za-z0-9_.-]+:)?[0-9a-fA-F]{64}\s*)*$/,
      'expected comma-separated sha256 hex hashes, each optionally as name:hash (hash a key with `npx tsx services/api/src/hash-key.ts`)',
    )
    .optional(),
  CW_API_AUTH: z.enum(['on', 'off'], { error: 'expected on or off' }).default('on'),
  CW_API_RATE_LIMIT: positiveInt(300, 'a number of requests per minute per key'),
  CW_API_SIGNIN_FAILURES: positiveInt(20, 'a number of failed sign-ins per minute per address'),
  CW_API_MAX_RANGE_DAYS: positiveInt(400, 'a number of days'),
  CW_API_MAX_BUCKETS: positiveInt(2200, 'a number of time buckets (e.g. 2200 = about 90 days hourly)'),
  CW_API_TRENDS_CACHE_SECONDS: z.coerce
    .number({ error: 'expected a number of seconds (0 turns the cache off)' })
    .int('expected a number of seconds (0 turns the cache off)')
    .min(0, 'expected a number of seconds (0 turns the cache off)')
    .default(60),
  CW_NARRATIVES_DIR: z.string().optional(),
  CW_LOG_PRETTY: flag(false),
});

export type ApiConfig = z.infer<typeof apiSchema>;

export function apiConfig(env: NodeJS.ProcessEnv): ApiConfig {
  return loadConfig(apiSchema, env);
}
