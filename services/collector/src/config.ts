import { connectionEnv, flag, positiveInt } from '@cw/config';
import { z } from 'zod';
import { parseRefreshSchedule } from './sources/telegram/engagement-refresh.ts';

// The collector's environment. Parsed once, in main.ts (and by the CLI through the same fields).

const isoDate = z.iso.datetime({
  offset: true,
  error: 'expected an ISO-8601 date-time, e.g. 2024-01-01T00:00:00Z',
});

export const collectorEnv = {
  /** From https://my.telegram.org; needed only when a channel uses the `telegram` source. */
  TELEGRAM_API_ID: z.coerce
    .number({ error: 'expected the numeric api_id from my.telegram.org' })
    .int()
    .positive()
    .optional(),
  TELEGRAM_API_HASH: z
    .string()
    .regex(/^[0-9a-f]{32}$/i, 'expected the 32-character api_hash from my.telegram.org')
    .optional(),
  /** Saved session string(s) from `cw telegram login`; several accounts separated by commas. Secret. */
  TELEGRAM_SESSION: z
    .string()
    .min(100, 'expected a saved session string from `cw telegram login`')
    .optional(),
  /** A YAML file of channels merged into the registry at start-up. */
  CW_COLLECT_CHANNELS_FILE: z.string().optional(),
  /** How far back a channel without a cursor is backfilled: a date, else a number of days. */
  CW_COLLECT_SINCE: isoDate.optional(),
  CW_COLLECT_BACKFILL_DAYS: positiveInt(7, 'a number of days'),
  /** Minimum pause between two MTProto requests of one account. */
  CW_COLLECT_REQUEST_INTERVAL_MS: positiveInt(1_000, 'milliseconds between Telegram requests'),
  /** ResolveUsername is heavily rate-limited: at most this many per minute and account (≤ 30). */
  CW_COLLECT_RESOLVES_PER_MINUTE: positiveInt(20, 'resolves per minute').refine((n) => n <= 30, {
    message: 'expected at most 30 resolves per minute',
  }),
  /** Resolves per account and UTC day; beyond it channels wait, pending, for the next day. */
  CW_COLLECT_RESOLVES_PER_DAY: positiveInt(150, 'resolves per day'),
  /** FloodWaits up to this many seconds are slept by gramjs itself; longer ones by the collector. */
  CW_COLLECT_FLOOD_SLEEP_THRESHOLD_S: z.coerce.number().int().nonnegative().default(0),
  /** Bounds of the adaptive per-channel polling interval. */
  CW_COLLECT_POLL_MIN_S: positiveInt(60, 'seconds'),
  CW_COLLECT_POLL_MAX_S: positiveInt(1_800, 'seconds'),
  /** Receive push updates for joined channels (still reconciled by polling). */
  CW_COLLECT_LIVE: flag(true),
  /** Recreate the gramjs client this often: its entity cache grows without bound (gramjs #816). */
  CW_COLLECT_CLIENT_RECYCLE_H: positiveInt(6, 'hours'),
  /** The web preview: pause between page requests, and how many pages back one pass may go. */
  CW_COLLECT_WEB_INTERVAL_MS: positiveInt(3_000, 'milliseconds between web preview requests'),
  CW_COLLECT_WEB_MAX_PAGES: positiveInt(50, 'pages'),
  /** Live micro-batches: flushed at 500 posts or after this long. */
  CW_COLLECT_FLUSH_MS: positiveInt(1_000, 'milliseconds'),
  CW_COLLECT_SHUTDOWN_MS: positiveInt(15_000, 'milliseconds'),
  /** When views, forwards and replies are re-read after posting: steps `<n><m|h|d>[*times]`, or off. */
  CW_COLLECT_REFRESH_SCHEDULE: z
    .string()
    .default('1h*24,1d*7')
    .superRefine((value, check) => {
      const parsed = parseRefreshSchedule(value);
      if (typeof parsed === 'string')
        check.addIssue({ code: 'custom', message: `expected e.g. 1h*24,1d*7 or off: ${parsed}` });
    }),
};

export const collectorSchema = z.object({ ...connectionEnv, ...collectorEnv });
export type CollectorConfig = z.infer<typeof collectorSchema>;

/** Session strings of the configured accounts (never log them). */
export function sessionStrings(config: Pick<CollectorConfig, 'TELEGRAM_SESSION'>): string[] {
  return (config.TELEGRAM_SESSION ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The earliest date a channel without a cursor is collected back to. */
export function backfillSince(
  config: Pick<CollectorConfig, 'CW_COLLECT_SINCE' | 'CW_COLLECT_BACKFILL_DAYS'>,
  now: number,
): Date {
  if (config.CW_COLLECT_SINCE) return new Date(config.CW_COLLECT_SINCE);
  return new Date(now - config.CW_COLLECT_BACKFILL_DAYS * 24 * 3600 * 1000);
}
