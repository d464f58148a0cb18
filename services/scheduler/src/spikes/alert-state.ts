// One alert per spike: a firing within the cool-down of the narrative's last firing updates that
// alert (it grows) instead of opening a new one. Pure, so the benchmark counts alerts as production.

export type AlertState = {
  id: string;
  status: 'open' | 'resolved';
  lastFiredAt: string;
  /** Observed count when receivers were last told: an update is sent only when the spike grew. */
  notifiedObserved: number;
  revision: number;
};

export type AlertDecision =
  | { action: 'open' }
  | { action: 'update'; notify: boolean }
  | { action: 'resolve' }
  | { action: 'none' };

/** A spike that grew by half again since receivers last heard of it is worth a new message. */
export const NOTIFY_GROWTH = 1.5;

export function decideAlert(
  previous: AlertState | undefined,
  fired: boolean,
  observed: number,
  nowMs: number,
  options: { cooldownMs: number; windowMs: number },
): AlertDecision {
  const sinceFired = previous ? nowMs - Date.parse(previous.lastFiredAt) : Number.POSITIVE_INFINITY;
  if (fired) {
    if (previous && sinceFired < options.cooldownMs) {
      return { action: 'update', notify: observed >= previous.notifiedObserved * NOTIFY_GROWTH };
    }
    return { action: 'open' };
  }
  // Quiet for a whole window after its last firing: the spike is over.
  if (previous?.status === 'open' && sinceFired >= options.windowMs) return { action: 'resolve' };
  return { action: 'none' };
}
