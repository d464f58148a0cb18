// One spike evaluation: counts from Elasticsearch, the pure detector per narrative, then the alert
// state in `<prefix>-alerts` (open one alert per spike, update it as it grows, resolve it after).
import { type Client, indexNames } from '@cw/es';
import { type AlertEvent, alertEvent } from '../webhooks/events.ts';
import type { SpikeAlert } from './alert.ts';
import { alertDetails } from './alert-details.ts';
import { explain, localTime } from './alert-explain.ts';
import { decideAlert } from './alert-state.ts';
import { DEFAULT_SPIKE_PARAMS, detectSpike, type SpikeParams, type SpikeVerdict } from './detector.ts';
import { fetchSpikeCounts, HISTORY_DAYS } from './spike-counts.ts';

export type SpikeSettings = {
  windowMinutes: number;
  cooldownMinutes: number;
  minCount: number;
  minRatio: number;
  minScore: number;
  minShareRatio: number;
  /** The CUSUM's rise, threshold and windows summed (CW_SPIKE_CUSUM_*; the detector's defaults when absent). */
  cusum?: {
    ratio: number;
    threshold: number;
    windows: number;
    /** The CUSUM's expected counts (CW_SPIKE_CUSUM_BASELINE / _LEVEL_DAYS; the detector's defaults when absent). */
    baseline?: 'windows' | 'profile';
    levelDays?: number;
  };
  /** Analysts' time zone for the alert's local times (CW_DIGEST_TZ). */
  timeZone?: string;
  /** Public address of the API, put in front of the alert's posts query (CW_API_PUBLIC_URL). */
  apiBaseUrl?: string;
};

export type SpikeEvaluation = {
  at: string;
  windowStart: string;
  windowEnd: string;
  verdicts: (SpikeVerdict & { narrative: string; action: string; alertId?: string })[];
  opened: SpikeAlert[];
  updated: SpikeAlert[];
  resolved: string[];
};

export type SpikeDeps = {
  es: Client;
  prefix: string;
  now: Date;
  settings: SpikeSettings;
  /** Called for every message receivers should get, before the alert is stored: message ids are
   * deterministic, so a retried evaluation re-enqueues the same id (a no-op) instead of losing it. */
  notify?: (messageId: string, event: AlertEvent) => Promise<unknown>;
  /** Narrative titles by id, from the definitions. */
  titles?: ReadonlyMap<string, string>;
};

const compactTime = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/** The latest alert per narrative that existed at `now` (a replay of a past time sees no later one). */
async function latestAlerts(
  es: Client,
  prefix: string,
  since: Date,
  now: Date,
): Promise<Map<string, SpikeAlert>> {
  const response = await es.search<SpikeAlert>({
    index: indexNames(prefix).alerts,
    size: 1000,
    query: {
      bool: {
        filter: [
          { range: { lastFiredAt: { gte: since.toISOString() } } },
          { range: { firstSeenAt: { lte: now.toISOString() } } },
        ],
      },
    },
    sort: [{ lastFiredAt: { order: 'desc' } }],
    ignore_unavailable: true,
  });
  const latest = new Map<string, SpikeAlert>();
  for (const hit of response.hits.hits) {
    const alert = hit._source;
    if (alert && !alert.channelId && !latest.has(alert.narrative)) latest.set(alert.narrative, alert);
  }
  return latest;
}

export function spikeParams(settings: SpikeSettings): SpikeParams {
  return {
    ...DEFAULT_SPIKE_PARAMS,
    slotsPerDay: 1440 / settings.windowMinutes,
    minCount: settings.minCount,
    minRatio: settings.minRatio,
    minScore: settings.minScore,
    minShareRatio: settings.minShareRatio,
    cusum: {
      ...DEFAULT_SPIKE_PARAMS.cusum,
      ...(settings.cusum
        ? {
            ratio: settings.cusum.ratio,
            threshold: settings.cusum.threshold,
            lookback: settings.cusum.windows,
            ...(settings.cusum.baseline ? { baseline: settings.cusum.baseline } : {}),
            ...(settings.cusum.levelDays ? { levelDays: settings.cusum.levelDays } : {}),
          }
        : {}),
    },
  };
}

export async function evaluateSpikes(deps: SpikeDeps): Promise<SpikeEvaluation> {
  const { es, prefix, now, settings } = deps;
  const params = spikeParams(settings);
  const windowMs = settings.windowMinutes * 60_000;
  const cooldownMs = settings.cooldownMinutes * 60_000;
  // The CUSUM judges its first window against the four weeks before it: read that much more.
  const historyDays = HISTORY_DAYS + Math.ceil((params.cusum.lookback * settings.windowMinutes) / 1440);
  const counts = await fetchSpikeCounts(es, prefix, {
    now,
    windowMinutes: settings.windowMinutes,
    historyDays,
  });
  const previous = await latestAlerts(
    es,
    prefix,
    new Date(now.getTime() - Math.max(cooldownMs, 2 * windowMs)),
    now,
  );
  const index = indexNames(prefix).alerts;
  const result: SpikeEvaluation = {
    at: now.toISOString(),
    windowStart: counts.windowStart.toISOString(),
    windowEnd: counts.windowEnd.toISOString(),
    verdicts: [],
    opened: [],
    updated: [],
    resolved: [],
  };
  const narratives = new Set([...counts.narratives.keys(), ...previous.keys()]);
  for (const narrative of [...narratives].sort()) {
    const series = counts.narratives.get(narrative) ?? { observed: 0, history: [] };
    const verdict = detectSpike(
      {
        observed: series.observed,
        history: series.history,
        totalObserved: counts.total.observed,
        totalHistory: counts.total.history,
      },
      params,
    );
    const prev = previous.get(narrative);
    // An alert already written at or after this time knows more than this evaluation: a replay
    // (`cw alerts check --at` a past time, a late or retried tick) reports but never rewrites it.
    const replay = prev !== undefined && Date.parse(prev.updatedAt) >= now.getTime();
    const decision = replay
      ? ({ action: 'none' } as const)
      : decideAlert(
          // Growth is judged per window: a longer window's larger count is not a bigger spike.
          prev && { ...prev, notifiedObserved: prev.notifiedObserved / (prev.notifiedWindows ?? 1) },
          verdict.fired,
          verdict.observed / verdict.windows,
          now.getTime(),
          { cooldownMs, windowMs },
        );
    const spanStart = new Date(counts.windowEnd.getTime() - verdict.windows * windowMs);
    result.verdicts.push({
      ...verdict,
      narrative,
      action: replay ? 'unchanged (replay: the alert was written later)' : decision.action,
      ...(prev ? { alertId: prev.id } : {}),
    });
    if (decision.action === 'none') continue;
    if (decision.action === 'resolve' && prev) {
      const resolved: SpikeAlert = { ...prev, status: 'resolved', updatedAt: now.toISOString() };
      await deps.notify?.(
        `alert_${prev.id}_resolved_${compactTime(now)}`,
        alertEvent(resolved, 'alert.resolved', now),
      );
      await es.index({ index, id: prev.id, document: resolved, refresh: 'wait_for' });
      result.resolved.push(prev.id);
      continue;
    }
    const { mix, ...details } = await alertDetails(es, prefix, {
      narrative,
      from: spanStart,
      to: counts.windowEnd,
    });
    const measured = {
      ...explain({
        narrative,
        title: deps.titles?.get(narrative),
        from: spanStart,
        to: counts.windowEnd,
        settings,
        method: verdict.method,
        mix: { ...mix, expected: verdict.expected },
      }),
      windowEnd: result.windowEnd,
      updatedAt: now.toISOString(),
      lastFiredAt: now.toISOString(),
      observed: verdict.observed,
      expected: verdict.expected,
      score: verdict.score,
      ratio: verdict.ratio,
      ...(verdict.share !== undefined ? { share: verdict.share, expectedShare: verdict.expectedShare } : {}),
      ...details,
    };
    if (decision.action === 'open') {
      const alert: SpikeAlert = {
        id: `${narrative}-${compactTime(counts.windowEnd)}`,
        narrative,
        status: 'open',
        windowStart: spanStart.toISOString(),
        firstSeenAt: now.toISOString(),
        peakObserved: verdict.observed,
        notifiedObserved: verdict.observed,
        notifiedWindows: verdict.windows,
        revision: 1,
        ...measured,
      };
      await deps.notify?.(`alert_${alert.id}_r1`, alertEvent(alert, 'alert.opened', now));
      // `create`: a second evaluation racing on the same window finds it taken (409) and stops.
      const created = await es
        .index({ index, id: alert.id, document: alert, op_type: 'create', refresh: 'wait_for' })
        .then(() => true)
        .catch((err: { meta?: { statusCode?: number } }) => {
          if (err.meta?.statusCode === 409) return false;
          throw err;
        });
      if (created) result.opened.push(alert);
      continue;
    }
    if (decision.action === 'update' && prev) {
      const alert: SpikeAlert = {
        ...prev,
        ...measured,
        status: 'open',
        // The window grows from the spike's first window to the latest one.
        windowStart: new Date(Math.min(Date.parse(prev.windowStart), spanStart.getTime())).toISOString(),
        peakObserved: Math.max(prev.peakObserved, verdict.observed),
        score: Math.max(prev.score, verdict.score),
        notifiedObserved: decision.notify ? verdict.observed : prev.notifiedObserved,
        notifiedWindows: decision.notify ? verdict.windows : (prev.notifiedWindows ?? 1),
        revision: decision.notify ? prev.revision + 1 : prev.revision,
      };
      if (alert.local) {
        const tz = alert.local.timeZone;
        alert.local = {
          timeZone: tz,
          windowStart: localTime(alert.windowStart, tz),
          windowEnd: localTime(alert.windowEnd, tz),
        };
      }
      if (decision.notify)
        await deps.notify?.(`alert_${alert.id}_r${alert.revision}`, alertEvent(alert, 'alert.updated', now));
      await es.index({ index, id: alert.id, document: alert, refresh: 'wait_for' });
      result.updated.push(alert);
    }
  }
  return result;
}
