// The parts of an alert that let an analyst judge it without opening anything else: what the
// narrative is, how "expected" was formed, the window in local time, how many sources and texts
// make the spike (and whether it is a flood), and a query for the posts behind it.
import { DateTime } from 'luxon';
import type { SpikeAlert } from './alert.ts';
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

export function baselineText(windowMinutes: number): string {
  const hours = windowMinutes / 60;
  const span = hours >= 1 ? `${hours} h` : `${windowMinutes} min`;
  return (
    `the same ${span} window in each of the past 4 weeks and on each of the past 7 days ` +
    '(scaled by how busy this weekday usually is), each a mean without its largest sample'
  );
}

export function explain(params: {
  narrative: string;
  title: string | undefined;
  from: Date;
  to: Date;
  settings: { windowMinutes: number; timeZone?: string; apiBaseUrl?: string };
  mix: SourceMix;
}): Explained {
  const { mix, settings } = params;
  const timeZone = settings.timeZone ?? 'UTC';
  return {
    kind: classifySpike(mix),
    ...(params.title ? { title: params.title } : {}),
    windowMinutes: Math.round((params.to.getTime() - params.from.getTime()) / 60_000),
    baseline: baselineText(Math.round((params.to.getTime() - params.from.getTime()) / 60_000)),
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
