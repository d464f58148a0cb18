import { zoneOffsetMs } from '@cw/domain';

// Instants of an export's times. Desktop exports since late 2021 carry `date_unixtime` (the real
// instant); older ones only `date`, a wall-clock time of the exporting machine's zone with no
// offset. Those are read in a zone the operator names (--tz, default UTC), never in the zone of the
// machine that imports: the same file must give the same posts wherever and whenever it is imported.

/** Whether `zone` is an IANA time zone name (or UTC) this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/;

/**
 * An export time as an ISO instant: `unix` (seconds, as Desktop writes it) when usable, else the
 * wall-clock `local` read in `zone`; a `local` that carries its own offset is taken as written.
 */
export function exportInstant(
  unix: string | undefined,
  local: string | undefined,
  zone: string,
): string | undefined {
  const seconds = Number(unix);
  if (unix && Number.isFinite(seconds) && seconds > 0) return new Date(seconds * 1000).toISOString();
  if (!local) return undefined;
  const m = LOCAL.exec(local);
  if (!m) {
    // Only a time with an explicit offset or Z is unambiguous; anything else is not a usable date.
    if (!/(Z|[+-]\d{2}:?\d{2})$/.test(local) || Number.isNaN(Date.parse(local))) return undefined;
    return new Date(local).toISOString();
  }
  const wall = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
  );
  // The offset at the guess may differ from the offset at the answer across a DST change: refine once.
  let t = wall - zoneOffsetMs(zone, wall);
  t = wall - zoneOffsetMs(zone, t);
  return new Date(t).toISOString();
}
