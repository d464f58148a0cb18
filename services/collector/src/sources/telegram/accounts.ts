import type { Logger } from '@cw/logging';
import type { Clock } from '../../clock.ts';
import { type CollectorConfig, sessionStrings } from '../../config.ts';
import { connectAccount, floodWaitSeconds } from './adapter.ts';
import { AccountGate } from './flood-gate.ts';
import type { AccountHandle } from './resolve.ts';

/** Connects every configured account (one gramjs client each; a session is used in one process only). */
export async function connectAccounts(
  config: CollectorConfig,
  deps: { log: Logger; clock: Clock; signal?: AbortSignal },
): Promise<AccountHandle[]> {
  const sessions = sessionStrings(config);
  if (sessions.length === 0) return [];
  if (!config.TELEGRAM_API_ID || !config.TELEGRAM_API_HASH) {
    throw new Error('TELEGRAM_SESSION is set but TELEGRAM_API_ID or TELEGRAM_API_HASH is missing');
  }
  const handles: AccountHandle[] = [];
  for (const [index, session] of sessions.entries()) {
    const account = await connectAccount({
      apiId: config.TELEGRAM_API_ID,
      apiHash: config.TELEGRAM_API_HASH,
      session,
      floodSleepThreshold: config.CW_COLLECT_FLOOD_SLEEP_THRESHOLD_S,
    });
    deps.log.info({ account: index, accountId: account.accountId }, 'telegram account connected');
    const gate = new AccountGate({
      clock: deps.clock,
      log: deps.log.child({ accountId: account.accountId }),
      intervalMs: config.CW_COLLECT_REQUEST_INTERVAL_MS,
      resolvesPerMinute: config.CW_COLLECT_RESOLVES_PER_MINUTE,
      resolvesPerDay: config.CW_COLLECT_RESOLVES_PER_DAY,
      floodWaitSeconds,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    handles.push({ account, gate });
  }
  return handles;
}
