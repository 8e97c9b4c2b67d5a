import { httpError } from '@klaxon/kit';
import { isTimeZone, parseInstant } from '@klaxon/schedules';

/** PagerDuty's 400 "Invalid Input Provided" (2001) with one readable sentence per reason. */
export const invalid = (...reasons: [string, ...string[]]) => httpError('invalid_input', reasons);

export const notFound = (what: string) => httpError('not_found', [`${what} not found`]);

const TWO_WEEKS_MS = 14 * 86_400_000;

export interface WindowQuery {
  since?: string;
  until?: string;
  time_zone?: string;
}

/** The `time_zone` asked for, checked; `fallback` when absent. */
export function requestedZone(query: WindowQuery, fallback: string): string {
  if (query.time_zone === undefined) return fallback;
  if (!isTimeZone(query.time_zone)) throw invalid(`time_zone is not a known time zone: ${query.time_zone}`);
  return query.time_zone;
}

function instant(value: string, field: string, zone: string): number {
  const ms = parseInstant(value, zone);
  if (ms === undefined) throw invalid(`${field} is not a valid ISO 8601 date-time`);
  return ms;
}

/**
 * The range a schedule is rendered over, as PagerDuty reads `since`/`until`: each defaults to two
 * weeks from the other; with neither, `whenAbsent` decides (no rendering, or from now). Values
 * without an offset are read in `zone`.
 */
export function renderRange(
  query: WindowQuery,
  zone: string,
  whenAbsent: (() => { since: number; until: number }) | null,
): { since: number; until: number } | null {
  const since = query.since === undefined ? undefined : instant(query.since, 'since', zone);
  const until = query.until === undefined ? undefined : instant(query.until, 'until', zone);
  let range: { since: number; until: number } | null;
  if (since === undefined && until === undefined) range = whenAbsent ? whenAbsent() : null;
  else range = { since: since ?? (until as number) - TWO_WEEKS_MS, until: until ?? (since as number) + TWO_WEEKS_MS };
  if (range && range.until <= range.since) throw invalid('until must be after since');
  return range;
}

/** `since`/`until` of `GET /oncalls`: both default to now; until may not precede since. */
export function onCallRange(query: WindowQuery, zone: string, now: number): { since: number; until: number } {
  const since = query.since === undefined ? now : instant(query.since, 'since', zone);
  const until = query.until === undefined ? Math.max(now, since) : instant(query.until, 'until', zone);
  if (until < since) throw invalid('until cannot be before since');
  return { since, until };
}
