import { httpError } from '@klaxon/kit';

/** PagerDuty's 400 "Invalid Input Provided" (2001) with one readable sentence per reason. */
export const invalid = (...reasons: [string, ...string[]]) => httpError('invalid_input', reasons);

/** PagerDuty's 404 for an object that does not exist (or was deleted). */
export const notFound = (what: string) => httpError('not_found', [`${what} not found`]);

/**
 * Whether a time zone name is known. PagerDuty takes IANA names (`America/New_York`, `Etc/UTC`);
 * the runtime's ICU data is the list.
 */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function ensureTimeZone(name: string, field: string): void {
  if (!isTimeZone(name)) throw invalid(`${field} is not a known time zone: ${name}`);
}

// Go's time.Time.String() ("2026-11-01 08:00:00 +0000 UTC"), which the Terraform provider's client
// sends for schedule layer times; PagerDuty accepts it, so Klaxon does too.
const goTimeString = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ([+-]\d{2})(\d{2})(?: [A-Za-z]+)?$/;

/** A date-time input: ISO 8601 with an offset; returns the instant or throws 400 naming the field. */
export function parseInstant(value: string, field: string): Date {
  const go = goTimeString.exec(value);
  const ms = Date.parse(go ? `${go[1]}T${go[2]}${go[3]}:${go[4]}` : value);
  if (Number.isNaN(ms)) throw invalid(`${field} is not a valid ISO 8601 date-time`);
  return new Date(ms);
}

/** Ids that were referenced but do not exist, for a "no dangling references" error. */
export function missing(wanted: readonly string[], found: Iterable<string>): string[] {
  const have = new Set(found);
  return [...new Set(wanted)].filter((id) => !have.has(id));
}
