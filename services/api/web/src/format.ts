// Times are shown in the analyst's time zone (default Asia/Almaty), chosen once in the header.

const STORAGE = 'cw.timeZone';
export const DEFAULT_TZ = 'Asia/Almaty';
export const TIME_ZONES = [
  'Asia/Almaty',
  'Asia/Tashkent',
  'Asia/Bishkek',
  'Asia/Dushanbe',
  'Europe/Moscow',
  'Europe/Kyiv',
  'UTC',
];

export function timeZone(): string {
  const saved = localStorage.getItem(STORAGE);
  return saved && TIME_ZONES.includes(saved) ? saved : DEFAULT_TZ;
}

export function setTimeZone(tz: string) {
  localStorage.setItem(STORAGE, tz);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string, kind: 'time' | 'day') {
  const key = `${tz}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      year: 'numeric',
      month: 'short',
      day: '2-digit',
      ...(kind === 'time' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

export const formatTime = (iso: string, tz = timeZone()) => formatter(tz, 'time').format(new Date(iso));
export const formatDay = (iso: string, tz = timeZone()) => formatter(tz, 'day').format(new Date(iso));

export const formatNumber = (n: number | undefined) => (n === undefined ? '–' : n.toLocaleString('en-US'));
export const formatShare = (n: number) => `${(n * 100).toFixed(1)}%`;

/** The date (YYYY-MM-DD) `days` ago in the zone, for default windows. */
export function daysAgo(days: number, tz = timeZone()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(Date.now() - days * 86_400_000));
}
