import { isTimeZone, parseInstant } from './time';
import type { Layer, Override, Restriction, Result, Schedule } from './types';

/** A schedule as PagerDuty's REST API writes it (the catalog's snapshot, a preview body). */
export interface ScheduleJson {
  time_zone?: string;
  schedule_layers?: LayerJson[];
}
export interface LayerJson {
  id?: string;
  name?: string;
  start?: string;
  end?: string | null;
  rotation_virtual_start?: string;
  rotation_turn_length_seconds?: number;
  users?: { user?: { id?: string } }[];
  restrictions?: Partial<Restriction>[];
}
export interface OverrideJson {
  id?: string;
  start?: string;
  end?: string;
  user?: { id?: string };
}

const timeOfDay = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const WEEK_SECONDS = 7 * 86_400;

function restriction(r: Partial<Restriction>, where: string, errors: string[]): Restriction | undefined {
  const before = errors.length;
  if (r.type !== 'daily_restriction' && r.type !== 'weekly_restriction')
    errors.push(`${where}.type must be daily_restriction or weekly_restriction`);
  if (typeof r.start_time_of_day !== 'string' || !timeOfDay.test(r.start_time_of_day))
    errors.push(`${where}.start_time_of_day must be HH:mm:ss`);
  const longest = r.type === 'weekly_restriction' ? WEEK_SECONDS : 86_400;
  if (!Number.isInteger(r.duration_seconds) || (r.duration_seconds ?? 0) < 1 || (r.duration_seconds ?? 0) > longest)
    errors.push(`${where}.duration_seconds must be 1-${longest}`);
  if (
    r.type === 'weekly_restriction' &&
    !(Number.isInteger(r.start_day_of_week) && (r.start_day_of_week ?? 0) >= 1 && (r.start_day_of_week ?? 0) <= 7)
  )
    errors.push(`${where}.start_day_of_week must be 1 (Monday) to 7`);
  return errors.length === before ? (r as Restriction) : undefined;
}

function instant(value: string | null | undefined, zone: string, where: string, errors: string[]) {
  const ms = typeof value === 'string' ? parseInstant(value, zone) : undefined;
  if (ms === undefined) errors.push(`${where} must be an ISO 8601 date-time`);
  return ms ?? 0;
}

function layer(json: LayerJson, zone: string, where: string, errors: string[]): Layer {
  const start = instant(json.start, zone, `${where}.start`, errors);
  const end = json.end == null ? null : instant(json.end, zone, `${where}.end`, errors);
  if (end !== null && end <= start) errors.push(`${where}.end must be after start`);
  const turn = json.rotation_turn_length_seconds;
  if (!Number.isInteger(turn) || (turn ?? 0) < 1)
    errors.push(`${where}.rotation_turn_length_seconds must be a positive integer`);
  const userIds = (json.users ?? []).map((u) => u.user?.id).filter((id): id is string => typeof id === 'string');
  if (userIds.length === 0 || userIds.length !== (json.users ?? []).length)
    errors.push(`${where}.users must name at least one user, each as {user: {id}}`);
  const restrictions = (json.restrictions ?? [])
    .map((r, i) => restriction(r, `${where}.restrictions[${i}]`, errors))
    .filter((r): r is Restriction => r !== undefined);
  return {
    ...(json.id ? { id: json.id } : {}),
    ...(json.name ? { name: json.name } : {}),
    start,
    end,
    rotationVirtualStart: instant(json.rotation_virtual_start, zone, `${where}.rotation_virtual_start`, errors),
    rotationTurnLengthSeconds: turn ?? 1,
    userIds,
    restrictions,
  };
}

/**
 * Validates a PagerDuty-shaped schedule and its overrides (oldest first) into the model the
 * renderer takes. Date-times without an offset are read in the schedule's time zone.
 */
export function parseSchedule(json: ScheduleJson, overrides: readonly OverrideJson[] = []): Result<Schedule> {
  const errors: string[] = [];
  const zone = json.time_zone ?? '';
  if (!isTimeZone(zone)) return { ok: false, errors: ['time_zone must be an IANA time zone name'] };
  const layers = (json.schedule_layers ?? []).map((l, i) => layer(l, zone, `schedule_layers[${i}]`, errors));
  const parsedOverrides: Override[] = overrides.map((o, i) => {
    const where = `overrides[${i}]`;
    const start = instant(o.start, zone, `${where}.start`, errors);
    const end = instant(o.end, zone, `${where}.end`, errors);
    if (end <= start) errors.push(`${where}.end must be after start`);
    if (typeof o.user?.id !== 'string') errors.push(`${where}.user.id is required`);
    return { ...(o.id ? { id: o.id } : {}), start, end, userId: o.user?.id ?? '' };
  });
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { timeZone: zone, layers, overrides: parsedOverrides } };
}
