import type { Urls } from '@klaxon/rest';
import type { ScheduleOverrideRow, ScheduleRow } from '../db';

export interface ScheduleRecord {
  schedule: ScheduleRow;
  userNames: ReadonlyMap<string, string>;
  policies: { id: string; name: string }[];
  teams: { id: string; name: string }[];
}

/**
 * A schedule's configuration as REST API v2 renders it (and as catalog.changes carries it). The
 * rendered final schedule (`since`/`until`) is computed by the escalation service, which owns
 * on-call maths; the catalog returns layers as configured.
 */
export function scheduleView(urls: Urls, record: ScheduleRecord) {
  const { schedule: s } = record;
  const userRef = (id: string) => urls.ref('user', id, record.userNames.get(id) ?? id);
  const userIds = [...new Set(s.layers.flatMap((l) => l.users))];
  return {
    id: s.id,
    type: 'schedule',
    summary: s.name,
    self: urls.self('schedule', s.id),
    html_url: urls.html('schedule', s.id),
    name: s.name,
    description: s.description ?? '',
    time_zone: s.timeZone,
    schedule_layers: s.layers.map((l) => ({
      id: l.id,
      name: l.name,
      start: l.start,
      // An open-ended layer has no `end` (the spec types it as a string, never null).
      ...(l.end ? { end: l.end } : {}),
      rotation_virtual_start: l.rotation_virtual_start,
      rotation_turn_length_seconds: l.rotation_turn_length_seconds,
      users: l.users.map((id) => ({ user: userRef(id) })),
      restrictions: l.restrictions,
      rendered_schedule_entries: [],
    })),
    escalation_policies: record.policies.map((p) => urls.ref('escalation_policy', p.id, p.name)),
    users: userIds.map(userRef),
    teams: record.teams.map((t) => urls.ref('team', t.id, t.name)),
  };
}

export function overrideView(urls: Urls, row: ScheduleOverrideRow, userName: string) {
  return {
    id: row.id,
    start: row.start.toISOString(),
    end: row.end.toISOString(),
    user: urls.ref('user', row.userId, userName),
  };
}

/**
 * An override as catalog.changes carries it: the escalation service applies it over the layers.
 * `created_at` orders overlapping overrides there (the newer wins).
 */
export function overrideSnapshot(urls: Urls, row: ScheduleOverrideRow, userName: string) {
  return {
    ...overrideView(urls, row, userName),
    type: 'schedule_override',
    created_at: row.createdAt.toISOString(),
    schedule: { id: row.scheduleId, type: 'schedule_reference' },
  };
}
