import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

/** One URL or several separated by commas (the nodes of a cluster, tried in turn by the client). */
export const httpUrls = (what: string) =>
  z.string().refine(
    (value) =>
      value.split(',').every((one) => {
        try {
          const url = new URL(one.trim());
          return url.protocol === 'http:' || url.protocol === 'https:';
        } catch {
          return false;
        }
      }),
    `expected the ${what} as an http(s) URL, or several separated by commas, e.g. http://127.0.0.1:9200 or https://es1:9200,https://es2:9200`,
  );

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

const wholeNumber = (fallback: number, min: number, max: number, what: string) =>
  z.coerce
    .number({ error: `expected ${what} from ${min} to ${max}` })
    .int(`expected ${what} from ${min} to ${max}`)
    .min(min, `expected ${what} from ${min} to ${max}`)
    .max(max, `expected ${what} from ${min} to ${max}`)
    .default(fallback);

const API_KEY_PART = /^[A-Za-z0-9_-]{1,200}$/;
const API_KEY_EXPECTED =
  'expected an Elasticsearch API key: the `encoded` value POST /_security/api_key returns, or id:api_key';

/**
 * An Elasticsearch API key, sent as `Authorization: ApiKey <encoded>`. Taken as Elasticsearch hands
 * it out (`encoded`, base64 of `id:api_key`) or as `id:api_key`; anything else stops start-up here
 * rather than as a 401 on the first request.
 */
export const esApiKey = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  const plain = trimmed.includes(':')
    ? trimmed
    : /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64').toString('utf8')
      : '';
  const [id, key, ...rest] = plain.split(':');
  if (rest.length > 0 || !id || !key || !API_KEY_PART.test(id) || !API_KEY_PART.test(key)) {
    ctx.addIssue({ code: 'custom', message: API_KEY_EXPECTED });
    return z.NEVER;
  }
  return Buffer.from(`${id}:${key}`, 'utf8').toString('base64');
});

/**
 * A private CA for Elasticsearch's TLS, as a PEM file: read and parsed at start-up, so a wrong path or
 * a file that is no certificate is reported with the variable's name, not as a TLS error later.
 */
export const caFile = z.string().transform((path, ctx) => {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    ctx.addIssue({ code: 'custom', message: `expected a readable PEM file of CA certificates (${code})` });
    return z.NEVER;
  }
  try {
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no certificate');
    new X509Certificate(pem);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message:
        'expected a PEM file of CA certificates (-----BEGIN CERTIFICATE-----); this file holds none that parses',
    });
    return z.NEVER;
  }
  return { path, pem };
});

/** Where the servers are and how keys are named: every service and the CLI need these. */
export const connectionEnv = {
  CW_REDIS_URL: redisUrl.optional(),
  CW_ES_URL: httpUrls('Elasticsearch address').optional(),
  // An existing cluster with security on: an API key instead of (or beside) credentials in the URL,
  // and the CA that signed its HTTP certificate when Node does not trust it already.
  CW_ES_API_KEY: esApiKey.optional(),
  CW_ES_CA_FILE: caFile.optional(),
  CW_REDIS_PORT: port(6379),
  CW_ES_PORT: port(9200),
  CW_INDEX_PREFIX: prefix('cw'),
  CW_QUEUE_PREFIX: prefix('cw'),
  CW_LOG_LEVEL: logLevel,
  CW_CACHE_DIR: z.string().optional(),
  // Index settings, applied by whichever service installs the templates at start-up: replicas to
  // every index of the prefix (a dynamic setting), shards to monthly indices created from then on.
  CW_ES_REPLICAS: wholeNumber(0, 0, 5, 'a number of replicas per shard'),
  CW_ES_SHARDS_PER_MONTH: wholeNumber(1, 1, 64, 'a number of primary shards per monthly index'),
};

/** Months of posts kept (CW_RETENTION_MONTHS); unset keeps everything. */
export const retentionEnv = {
  CW_RETENTION_MONTHS: z.coerce
    .number({ error: 'expected a number of months from 1 to 1200, or unset to keep everything' })
    .int('expected a number of months from 1 to 1200, or unset to keep everything')
    .min(1, 'expected a number of months from 1 to 1200, or unset to keep everything')
    .max(1200, 'expected a number of months from 1 to 1200, or unset to keep everything')
    .optional(),
};

/** The index settings a service installs templates with. */
export function indexSettings(config: Pick<ConnectionConfig, 'CW_ES_REPLICAS' | 'CW_ES_SHARDS_PER_MONTH'>) {
  return { replicas: config.CW_ES_REPLICAS, shardsPerMonth: config.CW_ES_SHARDS_PER_MONTH };
}

export const connectionSchema = z.object(connectionEnv);
export type ConnectionConfig = z.infer<typeof connectionSchema>;

/** How to authenticate to Elasticsearch and whom to trust, for `createEsClient`. */
export function esAuth(config: Pick<ConnectionConfig, 'CW_ES_API_KEY' | 'CW_ES_CA_FILE'>): {
  apiKey?: string;
  ca?: string;
} {
  return {
    ...(config.CW_ES_API_KEY ? { apiKey: config.CW_ES_API_KEY } : {}),
    ...(config.CW_ES_CA_FILE ? { ca: config.CW_ES_CA_FILE.pem } : {}),
  };
}

/** Resolved server addresses: an explicit URL wins, else the local stack on loopback. */
export function serverUrls(config: ConnectionConfig): { redisUrl: string; esUrl: string } {
  return {
    redisUrl: config.CW_REDIS_URL ?? `redis://127.0.0.1:${config.CW_REDIS_PORT}`,
    esUrl: config.CW_ES_URL ?? `http://127.0.0.1:${config.CW_ES_PORT}`,
  };
}
