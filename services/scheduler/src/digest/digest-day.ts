// A digest covers one calendar day in the digest's time zone; the 08:00 run builds yesterday's.
import { DateTime } from 'luxon';

export type DigestDay = { date: string; timeZone: string; from: Date; to: Date };

export function digestDay(date: string, timeZone: string): DigestDay {
  const start = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
  if (!start.isValid || start.toISODate() !== date)
    throw new Error(`not a calendar date: '${date}' (expected YYYY-MM-DD)`);
  return { date, timeZone, from: start.toJSDate(), to: start.plus({ days: 1 }).toJSDate() };
}

/** The local calendar day before `at`: what the morning digest reports on. */
export function previousDay(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).minus({ days: 1 }).toISODate() ?? '';
}

/** The local dates from `days - 1` days before `date` to `date`, oldest first. */
export function datesUpTo(date: string, timeZone: string, days: number): string[] {
  const end = DateTime.fromISO(date, { zone: timeZone });
  return Array.from({ length: days }, (_, i) => end.minus({ days: days - 1 - i }).toISODate() ?? '');
}
