import type { Reference, Urls } from '@klaxon/rest';
import type { LayerJson, RenderedSchedule, RenderedTimeline } from '@klaxon/schedules';
import type { EscalationPolicySnapshot, RefSnapshot } from '../db';

export interface ScheduleViewInput {
  /** The schedule's configuration: the catalog snapshot, or a preview body. */
  schedule: {
    id?: string;
    name?: string;
    description?: string | null;
    time_zone: string;
    schedule_layers: LayerJson[];
  };
  /** null: no range was asked, so nothing is rendered (PagerDuty's entries empty, coverage null). */
  rendered: RenderedSchedule | null;
  userRef: (id: string) => Reference;
  policies: readonly EscalationPolicySnapshot[];
}

function entries(urls: ScheduleViewInput['userRef'], timeline: RenderedTimeline | undefined) {
  return {
    rendered_schedule_entries: (timeline?.renderedEntries ?? []).map((e) => ({
      start: e.start,
      end: e.end,
      user: urls(e.userId),
    })),
    rendered_coverage_percentage: timeline ? timeline.coveragePercent : null,
  };
}

/**
 * PagerDuty's Schedule with its renderings: every layer's `rendered_schedule_entries` and
 * `rendered_coverage_percentage`, `overrides_subschedule` and `final_schedule`. Layers keep the
 * catalog's order (the order they were written in, lowest precedence first). Names, policies and
 * teams come from escalation's replica, so they are as fresh as the replica.
 */
export function scheduleView(urls: Urls, input: ScheduleViewInput) {
  const { schedule: s, rendered, userRef } = input;
  const teams = new Map<string, RefSnapshot>();
  for (const p of input.policies) for (const t of p.teams ?? []) teams.set(t.id, t);
  const userIds = [...new Set(s.schedule_layers.flatMap((l) => (l.users ?? []).flatMap((u) => u.user?.id ?? [])))];
  const name = s.name ?? 'Schedule';
  return {
    ...(s.id
      ? {
          id: s.id,
          type: 'schedule',
          summary: name,
          self: urls.self('schedule', s.id),
          html_url: urls.html('schedule', s.id),
        }
      : { type: 'schedule', summary: name }),
    name,
    description: s.description ?? '',
    time_zone: s.time_zone,
    schedule_layers: s.schedule_layers.map((layer, i) => ({
      ...layer,
      users: (layer.users ?? []).map((u) => ({ user: userRef(u.user?.id ?? '') })),
      restrictions: layer.restrictions ?? [],
      ...entries(userRef, rendered ? rendered.layers[i] : undefined),
    })),
    overrides_subschedule: { name: 'Overrides', ...entries(userRef, rendered?.overrides) },
    final_schedule: { name: 'Final Schedule', ...entries(userRef, rendered?.final) },
    escalation_policies: input.policies.map((p) => urls.ref('escalation_policy', p.id, p.name ?? p.summary ?? p.id)),
    users: userIds.map(userRef),
    teams: [...teams.values()].map((t) => urls.ref('team', t.id, t.summary ?? t.id)),
  };
}
