import { z } from 'zod';

// Shared pieces of the per-service schemas. Each message says what is expected, because it is
// printed next to the variable's name when start-up refuses a value.

export const httpUrl = (what: string) =>
  z.string().refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, `expected the ${what} as an http(s) URL, e.g. http://127.0.0.1:9200`);

export const redisUrl = z.string().refine((value) => {
  try {
    return ['redis:', 'rediss:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'expected a Redis URL, e.g. redis://127.0.0.1:6379');

export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a TCP port number (1-65535)' })
    .int('expected a TCP port number (1-65535)')
    .min(1, 'expected a TCP port number (1-65535)')
    .max(65535, 'expected a TCP port number (1-65535)')
    .default(fallback);

export const positiveInt = (fallback: number, what = 'a positive whole number') =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int(`expected ${what}`)
    .positive(`expected ${what}`)
    .default(fallback);

export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
      error: 'expected true or false',
    })
    .default(fallback ? 'true' : 'false')
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

/** A name that becomes part of index names and Redis keys: lower-case, no separators ES rejects. */
export const prefix = (fallback: string) =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'expected lower-case letters, digits, - or _ (at most 41)')
    .default(fallback);

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'expected one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');

/** Where the servers are and how keys are named: every service and the CLI need these. */
export const connectionEnv = {
  CW_REDIS_URL: redisUrl.optional(),
  CW_ES_URL: httpUrl('Elasticsearch address').optional(),
  CW_REDIS_PORT: port(6379),
  CW_ES_PORT: port(9200),
  CW_INDEX_PREFIX: prefix('cw'),
  CW_QUEUE_PREFIX: prefix('cw'),
  CW_LOG_LEVEL: logLevel,
  CW_CACHE_DIR: z.string().optional(),
};

export const connectionSchema = z.object(connectionEnv);
export type ConnectionConfig = z.infer<typeof connectionSchema>;

/** Resolved server addresses: an explicit URL wins, else the local stack on loopback. */
export function serverUrls(config: ConnectionConfig): { redisUrl: string; esUrl: string } {
  return {
    redisUrl: config.CW_REDIS_URL ?? `redis://127.0.0.1:${config.CW_REDIS_PORT}`,
    esUrl: config.CW_ES_URL ?? `http://127.0.0.1:${config.CW_ES_PORT}`,
  };
}
