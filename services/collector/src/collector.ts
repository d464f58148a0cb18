import type { Logger } from '@cw/logging';
import type { ChannelEntry, ChannelRegistry } from './channels/registry.ts';
import type { Clock } from './clock.ts';
import type { Batcher } from './publish/batcher.ts';
import type { Publisher } from './publish/publisher.ts';
import { PollSchedule } from './sources/poll-schedule.ts';
import { catchUpChannel } from './sources/telegram/catch-up.ts';
import type { EngagementRefresh } from './sources/telegram/engagement-refresh.ts';
import { collectHistory } from './sources/telegram/history.ts';
import { startLive } from './sources/telegram/live.ts';
import type { ChannelInfo } from './sources/telegram/mapping.ts';
import type { RecentPosts } from './sources/telegram/recent-posts.ts';
import { type AccountHandle, accountFor, ensureResolved } from './sources/telegram/resolve.ts';
import { collectWebChannel, type FetchPage, politeFetcher } from './sources/web/web-source.ts';

// The collection passes over the registry, for the long-running service (main.ts) and for the
// CLI's one-shot `collect` / `backfill`. Everything arrives as arguments.

export type CollectorDeps = {
  registry: ChannelRegistry;
  publisher: Publisher;
  recent: RecentPosts;
  accounts: AccountHandle[];
  clock: Clock;
  log: Logger;
  since: Date;
  web: { fetchPage: FetchPage; intervalMs: number; maxPages: number };
  poll: { minS: number; maxS: number };
  /** Engagement re-reads after posting; without it figures stay as first seen. */
  refresh?: EngagementRefresh;
  signal?: AbortSignal;
};

export type PassReport = { channel: string; source: string; published: number; error?: string };

const collectable = (e: ChannelEntry) => e.status !== 'invalid';

/** Collects every registered channel once, up to now; a failing channel is reported, the rest go on. */
export async function collectOnce(
  deps: CollectorDeps,
  onChannel: (report: PassReport) => void = () => {},
): Promise<PassReport[]> {
  const reports: PassReport[] = [];
  const webGet = politeFetcher({ ...deps.web, clock: deps.clock, log: deps.log, signal: deps.signal });
  for (const entry of (await deps.registry.list()).filter(collectable)) {
    if (deps.signal?.aborted) break;
    const report = await collectChannel(deps, entry, webGet);
    reports.push(report);
    onChannel(report);
  }
  return reports;
}

async function collectChannel(
  deps: CollectorDeps,
  entry: ChannelEntry,
  webGet: ReturnType<typeof politeFetcher>,
): Promise<PassReport> {
  const report: PassReport = { channel: entry.username, source: entry.source, published: 0 };
  try {
    if (entry.source === 'web') {
      const result = await collectWebChannel({ ...deps, ...deps.web }, entry, webGet);
      report.published = result.published;
      if (result.status === 'invalid') report.error = 'no public web preview';
      return report;
    }
    const handle = accountFor(entry, deps.accounts);
    if (!handle) {
      report.error = 'no Telegram account configured (TELEGRAM_API_ID, TELEGRAM_API_HASH, TELEGRAM_SESSION)';
      return report;
    }
    const resolved = await ensureResolved(handle, entry, deps);
    if (!resolved.ok) {
      report.error = resolved.message ?? 'could not resolve';
      return report;
    }
    const result = await collectHistory(
      { ...deps, account: handle.account, gate: handle.gate },
      resolved.entry,
    );
    report.published = result.published;
  } catch (err) {
    if (deps.signal?.aborted) return report;
    report.error = err instanceof Error ? err.message : String(err);
    deps.log.error({ err, channel: entry.username }, 'collecting a channel failed; the others go on');
  }
  return report;
}

/** Re-reads the figures of the posts whose refresh is due, through the account holding each channel. */
async function refreshEngagement(deps: CollectorDeps, entries: ChannelEntry[]): Promise<void> {
  if (!deps.refresh || deps.accounts.length === 0) return;
  const byId = new Map(entries.filter((e) => e.id).map((e) => [e.id as string, e]));
  try {
    await deps.refresh.refreshDue({
      ...deps,
      accountFor: (channelId) => {
        const entry = byId.get(channelId);
        const handle = entry ? accountFor(entry, deps.accounts) : undefined;
        const accessHash = handle && entry ? entry.access[handle.account.accountId] : undefined;
        return handle && accessHash ? { ...handle, accessHash } : undefined;
      },
    });
  } catch (err) {
    if (!deps.signal?.aborted) deps.log.warn({ err }, 'engagement refresh failed; due posts stay due');
  }
}

/** Runs the catch-ups asked for since the last pass; a failing channel is noted and retried later. */
async function runCatchUps(
  deps: CollectorDeps,
  entries: ChannelEntry[],
  catchUps: Map<string, Set<string>>,
): Promise<void> {
  for (const handle of deps.accounts) {
    const wanted = catchUps.get(handle.account.accountId);
    if (!wanted || wanted.size === 0) continue;
    const all = wanted.has('*');
    const todo = entries.filter(
      (e) => e.joined && e.id && e.access[handle.account.accountId] && (all || wanted.has(e.id)),
    );
    wanted.clear();
    for (const entry of todo) {
      if (deps.signal?.aborted) return;
      try {
        await catchUpChannel({ ...deps, account: handle.account, gate: handle.gate }, entry);
      } catch (err) {
        if (deps.signal?.aborted) return;
        wanted.add(entry.id as string);
        deps.log.warn({ err, channel: entry.username }, 'catch-up failed; retried on the next pass');
      }
    }
  }
}

/**
 * The service's loop: each channel is collected when due, at an interval that adapts to its
 * activity; joined channels also get push updates (micro-batched) and are reconciled at the
 * longest interval. The registry is re-read every pass, so added or removed channels take effect.
 */
export async function runCollector(deps: CollectorDeps & { batcher: Batcher; live: boolean }): Promise<void> {
  const schedule = new PollSchedule(deps.poll);
  const liveChannels = new Map<string, Map<string, ChannelInfo>>();
  // Channels to catch up, per account ('*': all of its joined channels). Every account starts with
  // '*': a start after downtime is a reconnect too.
  const catchUps = new Map<string, Set<string>>();
  if (deps.live) {
    for (const handle of deps.accounts) {
      const channels = new Map<string, ChannelInfo>();
      const id = handle.account.accountId;
      liveChannels.set(id, channels);
      catchUps.set(id, new Set(['*']));
      startLive({
        ...deps,
        account: handle.account,
        channels: () => channels,
        requestCatchUp: (channelId) => catchUps.get(id)?.add(channelId ?? '*'),
      });
    }
  }
  const webGet = politeFetcher({ ...deps.web, clock: deps.clock, log: deps.log, signal: deps.signal });
  let failures = 0;
  while (!deps.signal?.aborted) {
    try {
      const entries = (await deps.registry.list()).filter(collectable);
      const now = deps.clock.now();
      schedule.retain(new Set(entries.map((e) => e.username.toLowerCase())));
      for (const e of entries) schedule.ensure(e.username.toLowerCase(), now);
      for (const handle of deps.accounts) {
        const map = liveChannels.get(handle.account.accountId);
        map?.clear();
        for (const e of entries) {
          if (e.joined && e.id && e.access[handle.account.accountId]) {
            map?.set(e.id, { id: e.id, username: e.username, ...(e.title ? { title: e.title } : {}) });
          }
        }
      }
      await runCatchUps(deps, entries, catchUps);
      await refreshEngagement(deps, entries);
      const next = schedule.next();
      if (!next || next.at > now) {
        // Wake at least every 30 s to pick up registry changes.
        await deps.clock.sleep(Math.min(30_000, next ? next.at - now : 30_000), deps.signal);
        continue;
      }
      const entry = entries.find((e) => e.username.toLowerCase() === next.key);
      if (!entry) continue;
      const report = await collectChannel(deps, entry, webGet);
      const fixed = deps.live && entry.joined ? deps.poll.maxS : undefined;
      const interval = schedule.done(next.key, report.published, deps.clock.now(), fixed);
      deps.log.info({ ...report, nextInS: interval }, 'channel pass done');
      failures = 0;
    } catch (err) {
      if (deps.signal?.aborted) break;
      failures += 1;
      const delay = Math.min(30_000, 500 * 2 ** failures);
      deps.log.warn({ err, retryInMs: delay }, 'collector pass failed (Redis unavailable?); pausing');
      await deps.clock.sleep(delay, deps.signal);
    }
  }
}
