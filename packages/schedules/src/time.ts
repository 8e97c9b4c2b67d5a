import { DateTime, IANAZone } from 'luxon';

/** Whether `zone` is an IANA time zone name this runtime knows (`America/New_York`, `UTC`). */
export const isTimeZone = (zone: string): boolean => IANAZone.isValidZone(zone);

/**
 * An ISO 8601 date-time as epoch ms, or undefined when it is not one. A value without an offset is
 * read in `zone` (PagerDuty reads such query values in the request's time zone).
 */
export function parseInstant(value: string, zone = 'UTC'): number | undefined {
  const parsed = DateTime.fromISO(value, { zone });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

/** An instant as PagerDuty prints it: ISO 8601 with the zone's offset, no milliseconds when whole. */
export function formatInstant(ms: number, zone: string): string {
  const text = DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true });
  if (text === null) throw new Error(`instant ${ms} cannot be printed in ${zone}`);
  return text;
}

export const DAY_SECONDS = 86_400;

/**
 * Adds a rotation turn or restriction length. A whole number of days is calendar days in the zone,
 * so a daily or weekly handoff at 09:00 local stays at 09:00 local across DST (the day it spans is
 * 23 or 25 hours long); any other length is elapsed time (an 8-hour turn is 8 real hours, so
 * the night of a DST change one turn is an hour longer or shorter on the clock). Luxon does the
 * zone arithmetic.
 */
export function addDuration(from: DateTime, seconds: number): DateTime {
  return seconds % DAY_SECONDS === 0 ? from.plus({ days: seconds / DAY_SECONDS }) : from.plus({ seconds });
}
