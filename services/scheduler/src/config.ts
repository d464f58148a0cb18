import { connectionEnv, flag, loadConfig, positiveInt, retentionEnv } from '@cw/config';
import { z } from 'zod';
import { DEFAULT_SPIKE_PARAMS } from './spikes/detector.ts';

/** A whole number within [min, max], with one message for every way it can be wrong. */
const wholeNumber = (min: number, max: number, fallback: number, message: string) =>
  z.coerce.number({ error: message }).int(message).min(min, message).max(max, message).default(fallback);

// The scheduler's environment, parsed once in main.ts (and by the CLI's digest/alerts commands).

export const webhookTarget = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a short name (letters, digits, _ . -)'),
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  secret: z
    .string({ error: 'expected a signing secret whsec_<base64>' })
    .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'expected a signing secret whsec_<base64>'),
  format: z
    .enum(['json', 'slack', 'telegram'], { error: 'expected json, slack or telegram' })
    .default('json'),
  /** Telegram only: the chat the bot posts to (the URL is https://api.telegram.org/bot<token>/sendMessage). */
  chatId: z.string().optional(),
  /** Which messages the target wants; both by default. */
  kinds: z.array(z.enum(['alert', 'digest'])).default(['alert', 'digest']),
});

export type WebhookTarget = z.infer<typeof webhookTarget>;

const webhookList = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON array of {name, url, secret, format}' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(webhookTarget, { error: 'expected a JSON array of {name, url, secret, format}' })
      .superRefine((targets, ctx) => {
        const seen = new Set<string>();
        targets.forEach((t, i) => {
          if (seen.has(t.name))
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'duplicate target name' });
          seen.add(t.name);
          if (t.format === 'telegram' && !t.chatId) {
            ctx.addIssue({
              code: 'custom',
              path: [i, 'chatId'],
              message: 'a telegram target needs a chatId',
            });
          }
        });
      }),
  )
  .default([]);

const cron = z
  .string()
  .regex(/^(\S+\s+){4,5}\S+$/, 'expected a cron pattern with 5 or 6 fields, e.g. "0 8 * * *"')
  .default('0 8 * * *');

const timeZone = z
  .string()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'expected an IANA time zone such as Asia/Almaty')
  .default('Asia/Almaty');

const ratio = (fallback: number) =>
  z.coerce.number({ error: 'expected a number ≥ 1' }).min(1, 'expected a number ≥ 1').default(fallback);

export const schedulerSchema = z.object({
  ...connectionEnv,
  CW_SPIKE_EVERY_MINUTES: positiveInt(5, 'minutes between spike evaluations'),
  CW_SPIKE_WINDOW_MINUTES: positiveInt(
    60,
    'a window in minutes that divides a day (e.g. 30, 60, 120)',
  ).refine((m) => 1440 % m === 0, 'expected a window in minutes that divides a day (e.g. 30, 60, 120)'),
  CW_SPIKE_MIN_COUNT: positiveInt(5, 'a minimum post count for an alert'),
  CW_SPIKE_MIN_RATIO: ratio(2),
  CW_SPIKE_MIN_SHARE_RATIO: ratio(1.5),
  CW_SPIKE_MIN_SCORE: z.coerce
    .number({ error: 'expected a number' })
    .positive('expected a positive number')
    .default(4),
  CW_SPIKE_COOLDOWN_MINUTES: positiveInt(360, 'minutes'),
  // The CUSUM (a lasting rise at a few posts an hour): the rise it is tuned for, its threshold,
  // and how many windows it sums (0 turns it off).
  CW_SPIKE_CUSUM_RATIO: z.coerce
    .number({ error: 'expected the rise the CUSUM looks for, a number > 1 (e.g. 3)' })
    .gt(1, 'expected the rise the CUSUM looks for, a number > 1 (e.g. 3)')
    .default(DEFAULT_SPIKE_PARAMS.cusum.ratio),
  CW_SPIKE_CUSUM_THRESHOLD: z.coerce
    .number({ error: 'expected a positive number (the CUSUM fires at this log-likelihood ratio)' })
    .positive('expected a positive number (the CUSUM fires at this log-likelihood ratio)')
    .default(DEFAULT_SPIKE_PARAMS.cusum.threshold),
  CW_SPIKE_CUSUM_WINDOWS: wholeNumber(
    0,
    336,
    DEFAULT_SPIKE_PARAMS.cusum.lookback,
    'expected a whole number of windows from 0 (off) to 336',
  ),
  // Each window's expected count in the CUSUM: the same time on past days and weeks, or a level
  // from the last days times a time-of-week profile (far more posts behind it at low rates).
  CW_SPIKE_CUSUM_BASELINE: z
    .enum(['windows', 'profile'], { error: 'expected windows or profile' })
    .default(DEFAULT_SPIKE_PARAMS.cusum.baseline),
  CW_SPIKE_CUSUM_LEVEL_DAYS: wholeNumber(
    1,
    28,
    DEFAULT_SPIKE_PARAMS.cusum.levelDays,
    "expected a whole number of days from 1 to 28 (the profile baseline's level)",
  ),
  CW_DIGEST_CRON: cron,
  CW_DIGEST_TZ: timeZone,
  ...retentionEnv,
  CW_RETENTION_CRON: z
    .string()
    .regex(/^(\S+\s+){4,5}\S+$/, 'expected a cron pattern with 5 or 6 fields, e.g. "30 3 * * *"')
    .default('30 3 * * *'),
  CW_DIGEST_DIR: z.string().default('.cache/digests'),
  CW_WEBHOOKS: webhookList,
  CW_WEBHOOK_ALLOW_PRIVATE: flag(false),
  CW_WEBHOOK_TIMEOUT_MS: positiveInt(10_000, 'a timeout in milliseconds'),
  CW_WEBHOOK_RETRY_BASE_MS: positiveInt(2_000, 'the first retry delay in milliseconds'),
  CW_WEBHOOK_RETRY_MAX_MS: positiveInt(3_600_000, 'the longest retry delay in milliseconds'),
  CW_WEBHOOK_RETRY_HOURS: z.coerce
    .number({ error: 'expected how many hours a delivery is retried (> 0)' })
    .positive('expected how many hours a delivery is retried (> 0)')
    .default(24),
  CW_WEBHOOK_DRAIN_SECONDS: positiveInt(5, 'seconds between sends of due webhook messages'),
  CW_NARRATIVES_DIR: z.string().optional(),
  CW_API_PUBLIC_URL: z
    .url({
      protocol: /^https?$/,
      error: 'expected the API address analysts open, e.g. https://cw.example.org',
    })
    .optional(),
  CW_LOG_PRETTY: flag(false),
});

export type SchedulerConfig = z.infer<typeof schedulerSchema>;

export function retryPolicy(config: SchedulerConfig) {
  return {
    baseDelayMs: config.CW_WEBHOOK_RETRY_BASE_MS,
    maxDelayMs: Math.max(config.CW_WEBHOOK_RETRY_MAX_MS, config.CW_WEBHOOK_RETRY_BASE_MS),
    retryForMs: config.CW_WEBHOOK_RETRY_HOURS * 3_600_000,
    jitter: 0.5,
  };
}

export function schedulerConfig(env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  return loadConfig(schedulerSchema, env);
}
