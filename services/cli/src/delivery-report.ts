// What became of a message put in the webhook outbox, in words for the operator: queued now, or
// already there (delivered when, still being retried, or given up and why).
import type { EnqueueResult } from '@cw/scheduler';

export function describeEnqueued(messageId: string, results: readonly EnqueueResult[]): string[] {
  return results.map(({ target, added, entry }) => {
    if (added) return `${messageId} → ${target}: queued (the running scheduler sends it within seconds)`;
    if (entry.state === 'delivered')
      return `${messageId} → ${target}: already delivered at ${entry.finishedAt ?? entry.lastAttemptAt}; nothing sent again (pnpm -s cw deliveries retry ${target} ${messageId} sends it anew)`;
    if (entry.state === 'pending')
      return `${messageId} → ${target}: already queued since ${entry.createdAt}, ${entry.attempts} attempt(s) so far${entry.lastError ? `, last: ${entry.lastError}` : ''}; next at ${entry.nextAttemptAt}`;
    return `${messageId} → ${target}: delivery failed for good at ${entry.finishedAt}: ${entry.lastError ?? 'unknown'} (pnpm -s cw deliveries retry ${target} ${messageId} tries again)`;
  });
}
