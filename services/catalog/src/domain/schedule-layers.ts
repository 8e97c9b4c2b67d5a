import type { StoredLayer, StoredRestriction } from '../db/schedules.table';
import { invalid, parseInstant } from './checks';

export interface LayerInput {
  id?: string;
  name?: string;
  start: string;
  end?: string | null;
  rotation_virtual_start: string;
  rotation_turn_length_seconds: number;
  users: { user: { id: string } }[];
  restrictions?: StoredRestriction[];
}

const timeOfDay = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const dayS = 86_400;

function checkRestriction(r: StoredRestriction, where: string): StoredRestriction {
  if (!timeOfDay.test(r.start_time_of_day)) throw invalid(`${where}.start_time_of_day must be HH:mm:ss`);
  if (r.type === 'daily_restriction') {
    if (r.duration_seconds < 1 || r.duration_seconds > dayS) throw invalid(`${where}.duration_seconds must be 1-86400`);
    return { type: r.type, start_time_of_day: r.start_time_of_day, duration_seconds: r.duration_seconds };
  }
  if (r.start_day_of_week === undefined) throw invalid(`${where}.start_day_of_week is required for weekly_restriction`);
  if (r.duration_seconds < 1 || r.duration_seconds > 7 * dayS)
    throw invalid(`${where}.duration_seconds must be 1-604800`);
  return r;
}

/**
 * Validates and normalizes schedule layers: start before end, a turn of at most a year, at least
 * one user, restrictions well formed. Times are stored as ISO strings in UTC. A layer keeps its id
 * when the request names one the schedule already has.
 */
export function normalizeLayers(
  input: LayerInput[],
  existingIds: ReadonlySet<string>,
  newId: () => string,
): StoredLayer[] {
  return input.map((layer, index) => {
    const where = `schedule_layers[${index}]`;
    const start = parseInstant(layer.start, `${where}.start`);
    const end = layer.end ? parseInstant(layer.end, `${where}.end`) : null;
    if (end && end <= start) throw invalid(`${where}.end must be after start`);
    const virtualStart = parseInstant(layer.rotation_virtual_start, `${where}.rotation_virtual_start`);
    if (layer.users.length === 0) throw invalid(`${where}.users must name at least one user`);
    return {
      id: layer.id && existingIds.has(layer.id) ? layer.id : newId(),
      name: layer.name ?? `Layer ${index + 1}`,
      start: start.toISOString(),
      end: end ? end.toISOString() : null,
      rotation_virtual_start: virtualStart.toISOString(),
      rotation_turn_length_seconds: layer.rotation_turn_length_seconds,
      users: layer.users.map((u) => u.user.id),
      restrictions: (layer.restrictions ?? []).map((r, i) => checkRestriction(r, `${where}.restrictions[${i}]`)),
    };
  });
}

export const layerUserIds = (layers: StoredLayer[]): string[] => [...new Set(layers.flatMap((l) => l.users))];
