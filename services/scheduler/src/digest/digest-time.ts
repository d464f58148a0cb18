// Times in the digest: local time in the digest's zone first (what analysts read), UTC beside it
// (what the posts, the API and other teams use). Within the digest's own day the date is left out.
import { DateTime } from 'luxon';

export function digestTime(iso: string, timeZone: string, date: string): string {
  const utc = DateTime.fromISO(iso, { zone: 'utc' });
  if (!utc.isValid) return iso;
  const local = utc.setZone(timeZone);
  const localText = local.toISODate() === date ? local.toFormat('HH:mm') : local.toFormat('yyyy-MM-dd HH:mm');
  return `${localText} (${utc.toFormat('MM-dd HH:mm')} UTC)`;
}

/** A window's start and end, local and UTC. */
export function digestSpan(fromIso: string, toIso: string, timeZone: string, date: string): string {
  const from = DateTime.fromISO(fromIso, { zone: 'utc' });
  const to = DateTime.fromISO(toIso, { zone: 'utc' });
  if (!from.isValid || !to.isValid) return `${fromIso} – ${toIso}`;
  const local = (t: DateTime) => {
    const l = t.setZone(timeZone);
    return l.toISODate() === date ? l.toFormat('HH:mm') : l.toFormat('yyyy-MM-dd HH:mm');
  };
  return `${local(from)}–${local(to)} (${from.toFormat('MM-dd HH:mm')}–${to.toFormat('HH:mm')} UTC)`;
}

/** Short text for a post link: `post 2050` from https://t.me/alpha_news/2050; never the URL itself. */
export function postLinkText(url: string): string {
  const id = /\/(\d+)\/?$/.exec(url)?.[1];
  return id ? `post ${id}` : 'open';
}
