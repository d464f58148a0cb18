// The versioned JSON schema of what we send (format `json`); Slack and Telegram targets get the same
// content as text. A field is only ever added, never renamed, within a major `version`.
import type { SpikeAlert } from '../spikes/alert.ts';
import type { TrendReport } from '../trends/trend-report.ts';

export const EVENT_VERSION = '1';

export type AlertEvent = {
  type: 'alert.opened' | 'alert.updated' | 'alert.resolved';
  version: typeof EVENT_VERSION;
  timestamp: string;
  data: SpikeAlert;
};

export type DigestSummary = {
  date: string;
  timeZone: string;
  from: string;
  to: string;
  totalPosts: number;
  narratives: { narrative: string; count: number; average7d: number; ratio: number | null }[];
  topPosts: { url: string; channel: string; views?: number; narratives: string[] }[];
  /** Added in version 1: the day's posts by forwards. */
  mostForwarded?: { url: string; channel: string; forwards: number; postedAt: string }[];
  alerts: { id: string; narrative: string; observed: number; expected: number; windowEnd: string }[];
  newForwardSources: string[];
};

export type DigestEvent = {
  type: 'digest.daily';
  version: typeof EVENT_VERSION;
  timestamp: string;
  data: DigestSummary;
};

/** A slow rise: the daily evaluation found a narrative's week at twice an ordinary week. */
export type TrendEvent = {
  type: 'narrative.trend';
  version: typeof EVENT_VERSION;
  timestamp: string;
  data: TrendReport;
};

export type WebhookEvent = AlertEvent | DigestEvent | TrendEvent;

export function alertEvent(alert: SpikeAlert, type: AlertEvent['type'], now: Date): AlertEvent {
  return {
    type,
    version: EVENT_VERSION,
    timestamp: now.toISOString(),
    data: alert,
  };
}
