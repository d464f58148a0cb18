// The parts of an alert that let an analyst judge it without opening anything else: what the
// narrative is, how "expected" was formed, the window in local time, how many sources and texts
// make the spike (and whether it is a flood), and a query for the posts behind it.
import { DateTime } from 'luxon';
import type { SpikeAlert } from './alert.ts';
import { DEFAULT_SPIKE_PARAMS } from './detector.ts';
import { classifySpike, type SourceMix } from './flood.ts';

type Explained = Pick<
  SpikeAlert,
  | 'kind'
  | 'title'
  | 'windowMinutes'
  | 'baseline'
  | 'local'
  | 'distinctChannels'
  | 'topChannelShare'
  | 'distinctTexts'
  | 'topTextShare'
  | 'postsQuery'
>;

const round = (x: number) => Math.round(x * 1000) / 1000;

export function localTime(iso: string | Date, timeZone: string): string {
  const dt = typeof iso === 'string' ? DateTime.fromISO(iso, { zone: 'utc' }) : DateTime.fromJSDate(iso);
  return dt.setZone(timeZone).toFormat("yyyy-MM-dd HH:mm 'UTC'ZZ");
}

/** The posts of a narrative in a time range, as the API query an analyst opens. */
export function postsQuery(apiBaseUrl: string | undefined, narrative: string, from: Date, to: Date): string {
  const query = new URLSearchParams({ narrative, from: from.toISOString(), to: to.toISOString() });
  return `${(apiBaseUrl ?? '').replace(/\/$/, '')}/v1/posts?${query.toString()}`;
}

export function baselineText(
  windowMinutes: number,
  method: 'window' | 'cusum' = 'window',
  stepMinutes = 60,
  cusumBaseline: { baseline: 'windows' | 'profile'; levelDays: number } = {
    baseline: 'windows',
    levelDays: 7,
  },
): string {
  const minutes = (m: number) => (m >= 60 ? `${m / 60} h` : `${m} min`);
  if (method === 'cusum' && cusumBaseline.baseline === 'profile')
    return (
      `the sum over the ${minutes(windowMinutes)} since the cumulative evidence of a rise (CUSUM) last ` +
      `stood at zero of each ${minutes(stepMinutes)} window's expected count: the narrative's level over ` +
      `the ${cusumBaseline.levelDays} days before the window (its busiest and quietest days left out) ` +
      'times its usual share at that time of day and weekday, fitted to the 4 weeks before and smoothed ' +
      'toward flat where few posts show it'
    );
  if (method === 'cusum')
    return (
      `the sum over the ${minutes(windowMinutes)} since the cumulative evidence of a rise (CUSUM) last ` +
      `stood at zero of each ${minutes(stepMinutes)} window's expected count: the same window in each ` +
      'of the past 4 weeks and on each of the past 7 days (scaled by how busy this weekday usually ' +
      'is), each a mean with its largest sample replaced by what the largest of them usually is'
    );
  return (
    `the same ${minutes(windowMinutes)} window in each of the past 4 weeks and on each of the past 7 days ` +
    '(scaled by how busy this weekday usually is), each a mean without its largest sample'
  );
}

export function explain(params: {
  narrative: string;
  title: string | undefined;
  from: Date;
  to: Date;
  settings: {
    windowMinutes: number;
    timeZone?: string;
    apiBaseUrl?: string;
    cusum?: { baseline?: 'windows' | 'profile'; levelDays?: number };
  };
  /** Which test fired: one window (or a multiple), or the CUSUM over the span. */
  method?: 'window' | 'cusum';
  mix: SourceMix;
}): Explained {
  const { mix, settings } = params;
  const spanMinutes = Math.round((params.to.getTime() - params.from.getTime()) / 60_000);
  const timeZone = settings.timeZone ?? 'UTC';
  return {
    kind: classifySpike(mix),
    ...(params.title ? { title: params.title } : {}),
    windowMinutes: spanMinutes,
    baseline: baselineText(spanMinutes, params.method, settings.windowMinutes, {
      baseline: settings.cusum?.baseline ?? DEFAULT_SPIKE_PARAMS.cusum.baseline,
      levelDays: settings.cusum?.levelDays ?? DEFAULT_SPIKE_PARAMS.cusum.levelDays,
    }),
    local: {
      timeZone,
      windowStart: localTime(params.from, timeZone),
      windowEnd: localTime(params.to, timeZone),
    },
    distinctChannels: mix.distinctChannels,
    topChannelShare: mix.posts ? round(mix.topChannelCount / mix.posts) : 0,
    distinctTexts: mix.distinctTexts,
    topTextShare: mix.posts ? round(mix.topTextCount / mix.posts) : 0,
    postsQuery: postsQuery(settings.apiBaseUrl, params.narrative, params.from, params.to),
  };
}
