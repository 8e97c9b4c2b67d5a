import { timelines } from './final';
import { renderingCost } from './layer';
import { coveragePercent } from './shifts';
import { formatInstant, isTimeZone } from './time';
import type { Result, Schedule, Shift } from './types';

/** PagerDuty's ScheduleLayerEntry, with the user as an id (the caller turns it into a reference). */
export interface RenderedEntry {
  start: string;
  end: string;
  userId: string;
}

export interface RenderedTimeline {
  renderedEntries: RenderedEntry[];
  /** Percent of [since, until) with someone on call, two decimals. */
  coveragePercent: number;
}

export interface RenderedSchedule {
  /** In the schedule's layer order (lowest precedence first). */
  layers: (RenderedTimeline & { id?: string; name?: string })[];
  overrides: RenderedTimeline;
  final: RenderedTimeline;
}

export interface RenderWindow {
  since: Date | number;
  until: Date | number;
  /** Zone the entries are printed in; the schedule's own by default. Rotations always use the schedule's. */
  timeZone?: string;
}

/**
 * The most turns and restriction days one rendering may walk. A one-second rotation over a year
 * would otherwise be 31 million turns; the caller narrows the range instead.
 */
export const MAX_RENDERING_COST = 200_000;

const ms = (t: Date | number) => (typeof t === 'number' ? t : t.getTime());

/** Checks a window before rendering: since before until, a known zone, a bounded amount of work. */
export function checkWindow(schedule: Schedule, window: RenderWindow): string[] {
  const since = ms(window.since);
  const until = ms(window.until);
  const errors: string[] = [];
  if (!(until > since)) errors.push('until must be after since');
  if (window.timeZone !== undefined && !isTimeZone(window.timeZone))
    errors.push('time_zone must be an IANA time zone name');
  const cost = schedule.layers.reduce((sum, l) => sum + renderingCost(l, since, until), 0);
  if (cost > MAX_RENDERING_COST) errors.push('The range since..until is too long for this schedule; narrow it');
  return errors;
}

function print(shifts: readonly Shift[], zone: string, since: number, until: number): RenderedTimeline {
  return {
    renderedEntries: shifts.map((s) => ({
      start: formatInstant(s.start, zone),
      end: formatInstant(s.end, zone),
      userId: s.userId,
    })),
    coveragePercent: coveragePercent(shifts, since, until),
  };
}

/**
 * Renders a schedule over [since, until) the way PagerDuty's `GET /schedules/{id}` does: each
 * layer's entries, the overrides subschedule and the final schedule, entries clipped to the range
 * (PagerDuty's default `overflow=false`) and consecutive entries of one user merged.
 */
export function renderSchedule(schedule: Schedule, window: RenderWindow): Result<RenderedSchedule> {
  const errors = checkWindow(schedule, window);
  if (errors.length) return { ok: false, errors };
  const since = ms(window.since);
  const until = ms(window.until);
  const zone = window.timeZone ?? schedule.timeZone;
  const t = timelines(schedule, since, until);
  return {
    ok: true,
    value: {
      layers: schedule.layers.map((l, i) => ({
        ...(l.id ? { id: l.id } : {}),
        ...(l.name ? { name: l.name } : {}),
        ...print(t.layers[i] ?? [], zone, since, until),
      })),
      overrides: print(t.overrides, zone, since, until),
      final: print(t.final, zone, since, until),
    },
  };
}

/** The final schedule's shifts over [since, until) as epoch ms, for callers that compute with them. */
export function finalShifts(schedule: Schedule, since: Date | number, until: Date | number): Shift[] {
  return timelines(schedule, ms(since), ms(until)).final;
}

/**
 * Who is on call at an instant: the final schedule's user (overrides, then the highest layer with
 * someone), as a list of zero or one id. A list, so callers treat "nobody" and future multi-user
 * sources alike.
 */
export function onCallAt(schedule: Schedule, instant: Date | number): string[] {
  const t = ms(instant);
  const [shift] = finalShifts(schedule, t, t + 1);
  return shift ? [shift.userId] : [];
}
