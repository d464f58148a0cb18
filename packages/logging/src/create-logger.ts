import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

// Keys whose values are secrets wherever they appear. pino's redaction paths do not recurse, so
// each key is listed at the depths where our objects carry it (config, job data, request headers).
const SECRET_KEYS = [
  'TELEGRAM_SESSION',
  'TELEGRAM_API_HASH',
  'CW_API_KEYS',
  'CW_WEBHOOKS',
  'session',
  'sessionString',
  'apiHash',
  'apiKey',
  'apiKeys',
  'secret',
  'webhookSecret',
  'password',
  'token',
  'authorization',
];

export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export type LoggerOptions = {
  service: string;
  level?: string;
  /** Human-readable output for a person at a terminal; JSON otherwise (and always in production). */
  pretty?: boolean;
  destination?: DestinationStream;
};

export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level ?? 'info',
    base: { service: options.service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(base);
}
