import type { Logger } from '@cw/logging';
import type { ChannelEntry, ChannelRegistry } from '../../channels/registry.ts';
import type { Clock } from '../../clock.ts';
import type { TelegramAccount } from './adapter.ts';
import { type AccountGate, ResolvePausedError } from './flood-gate.ts';

// ResolveUsername earns day-long FloodWaits: each channel is resolved once per account, the id and
// access hash kept in the registry, resolves paced by the account's gate (≤ N a minute).

export type AccountHandle = { account: TelegramAccount; gate: AccountGate };

/** The account a channel belongs to: the one that already has its access hash, else a stable shard. */
export function accountFor(
  entry: ChannelEntry,
  accounts: readonly AccountHandle[],
): AccountHandle | undefined {
  const owner = accounts.find((a) => entry.access[a.account.accountId] !== undefined);
  if (owner) return owner;
  let hash = 0;
  for (const ch of entry.username.toLowerCase()) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return accounts[hash % Math.max(accounts.length, 1)];
}

export type ResolveOutcome = { entry: ChannelEntry; ok: boolean; message?: string };

export async function ensureResolved(
  handle: AccountHandle,
  entry: ChannelEntry,
  deps: { registry: ChannelRegistry; log: Logger; clock: Clock },
): Promise<ResolveOutcome> {
  if (entry.status === 'invalid') return { entry, ok: false, message: entry.error ?? 'invalid' };
  if (entry.id && entry.access[handle.account.accountId]) return { entry, ok: true };
  let result: Awaited<ReturnType<TelegramAccount['resolveChannel']>>;
  try {
    result = await handle.gate.call(() => handle.account.resolveChannel(entry.username), 'resolve');
  } catch (err) {
    // A paused resolve leaves the channel pending: it is resolved on a later pass, not given up.
    if (err instanceof ResolvePausedError)
      return { entry, ok: false, message: `@${entry.username}: ${err.message}` };
    throw err;
  }
  if (result.kind !== 'channel') {
    const message = `@${entry.username}: ${result.kind === 'not-found' ? 'no such username' : 'not a public channel'} (${result.reason}); skipped`;
    const updated: ChannelEntry = { ...entry, status: 'invalid', error: message };
    await deps.registry.update(updated);
    deps.log.warn({ channel: entry.username, reason: result.reason }, message);
    return { entry: updated, ok: false, message };
  }
  const updated: ChannelEntry = {
    ...entry,
    id: result.id,
    title: result.title,
    joined: result.joined,
    access: { ...entry.access, [handle.account.accountId]: result.accessHash },
    status: 'ok',
    resolvedAt: new Date(deps.clock.now()).toISOString(),
  };
  delete updated.error;
  await deps.registry.update(updated);
  return { entry: updated, ok: true };
}
