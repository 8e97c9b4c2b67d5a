import type { Executor } from '@klaxon/db';
import type { Reference } from '@klaxon/rest';
import { inArray, sql } from 'drizzle-orm';
import {
  type Actor,
  alerts,
  type EscalationPolicySnapshot,
  findEntities,
  type IncidentRow,
  logEntries,
  type PendingEscalationRow,
  pendingEscalations,
  type ServiceSnapshot,
  type TimerRow,
  timers,
  type UserSnapshot,
} from '../db';
import { type IncidentResponders, loadResponders, respondersRefIds, respondersView } from './responders.view';
import type { GroupingUrls } from './urls';

export interface AlertCounts {
  all: number;
  triggered: number;
  resolved: number;
}

/** What an incident view needs beyond its row; loaded in batches by `renderIncidents`. */
export interface IncidentExtras {
  counts: Map<string, AlertCounts>;
  timers: Map<string, TimerRow[]>;
  /** Absent for an incident just opened: escalation has not run it yet. */
  escalations?: Map<string, PendingEscalationRow>;
  /** Absent for an incident just opened: nobody has asked responders yet. */
  responders?: IncidentResponders;
  services: Map<string, ServiceSnapshot>;
  policies: Map<string, EscalationPolicySnapshot>;
  users: Map<string, UserSnapshot>;
  firstTriggers: Map<string, string>;
}

const name = (s: { name?: string; summary?: string } | undefined, id: string) => s?.name ?? s?.summary ?? id;

export function actorRef(urls: GroupingUrls, actor: Actor | null, users: Map<string, UserSnapshot>): Reference | null {
  if (!actor) return null;
  if (actor.type === 'user') return urls.ref('user', actor.id, name(users.get(actor.id), actor.id));
  if (actor.type === 'service') return urls.ref('service', actor.id, actor.id);
  return {
    id: actor.id,
    type: actor.refType ?? 'inbound_integration_reference',
    summary: actor.id,
    self: null,
    html_url: null,
  };
}

// Timers shown as PagerDuty's pending_actions: what will happen to the incident, and when.
const PENDING: Record<TimerRow['kind'], string> = {
  acknowledgement_timeout: 'unacknowledge',
  snooze: 'unacknowledge',
  auto_resolve: 'resolve',
};

/**
 * The escalation escalation last said is due, while it still can happen: the incident triggered, on
 * its policy, at the level the timer was set at (an acknowledge, a reassignment or a delegation
 * since then cancelled it).
 */
function pendingEscalate(row: IncidentRow, pending: PendingEscalationRow | undefined) {
  const due =
    pending &&
    row.status === 'triggered' &&
    row.assignedVia === 'escalation_policy' &&
    row.escalationPolicyId === pending.escalationPolicyId &&
    row.escalationLevel === pending.level;
  return due ? [{ type: 'escalate', at: pending.dueAt.toISOString() }] : [];
}

function responderFields(urls: GroupingUrls, row: IncidentRow, x: IncidentExtras) {
  const { incidents_responders, responder_requests } = respondersView(
    urls,
    row,
    x.responders?.requests.get(row.id) ?? [],
    x.responders?.responders.get(row.id) ?? [],
    x,
  );
  return { incidents_responders, responder_requests };
}

export function incidentView(
  urls: GroupingUrls,
  row: IncidentRow,
  x: IncidentExtras,
  include: ReadonlySet<string> = new Set(),
) {
  const service = x.services.get(row.serviceId);
  const policy = row.escalationPolicyId ? x.policies.get(row.escalationPolicyId) : undefined;
  const user = (id: string) =>
    include.has('assignees') || include.has('users')
      ? (x.users.get(id) ?? urls.ref('user', id, id))
      : urls.ref('user', id, name(x.users.get(id), id));
  const teams = (service?.teams ?? []).map((t) => urls.ref('team', t.id, t.summary ?? t.id));
  const firstTrigger = x.firstTriggers.get(row.id);
  return {
    id: row.id,
    type: 'incident',
    summary: `[#${row.number}] ${row.title}`,
    self: urls.self('incident', row.id),
    html_url: urls.html('incident', row.id),
    incident_number: row.number,
    title: row.title,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    status: row.status,
    incident_key: row.incidentKey,
    service:
      include.has('services') && service ? service : urls.ref('service', row.serviceId, name(service, row.serviceId)),
    assignments: row.assignments.map((a) => ({ at: a.at, assignee: user(a.userId) })),
    assigned_via: row.assignedVia,
    last_status_change_at: row.lastStatusChangeAt.toISOString(),
    last_status_change_by: actorRef(urls, row.lastStatusChangeBy, x.users),
    resolved_at: row.resolvedAt?.toISOString() ?? null,
    first_trigger_log_entry: firstTrigger
      ? urls.logEntryRef(row.firstTriggerLogEntryId ?? '', firstTrigger, 'Triggered')
      : null,
    alert_counts: x.counts.get(row.id) ?? { all: 0, triggered: 0, resolved: 0 },
    is_mergeable: row.status !== 'resolved',
    incident_type: { name: 'incident_default' },
    escalation_policy: row.escalationPolicyId
      ? include.has('escalation_policies') && policy
        ? policy
        : urls.ref('escalation_policy', row.escalationPolicyId, name(policy, row.escalationPolicyId))
      : null,
    teams,
    pending_actions: [
      ...(x.timers.get(row.id) ?? []).map((t) => ({ type: PENDING[t.kind], at: t.dueAt.toISOString() })),
      ...pendingEscalate(row, x.escalations?.get(row.id)),
    ].sort((a, b) => a.at.localeCompare(b.at)),
    acknowledgements: row.acknowledgements.map((a) => ({
      at: a.at,
      acknowledger: actorRef(urls, a.actor, x.users),
    })),
    alert_grouping: row.groupingType
      ? {
          grouping_type: row.groupingType === 'time' ? 'basic' : 'advanced',
          started_at: row.windowStartedAt?.toISOString() ?? null,
          ended_at: row.windowLastGroupedAt?.toISOString() ?? null,
          alert_grouping_active: row.status !== 'resolved',
        }
      : null,
    priority: row.priority ?? null,
    resolve_reason: row.mergedInto
      ? { type: 'merge_resolve_reason', incident: urls.ref('incident', row.mergedInto, row.mergedInto) }
      : null,
    conference_bridge: null,
    urgency: row.urgency,
    ...responderFields(urls, row, x),
    // PagerDuty returns the body only with include[]=body; clients that decode `details` as a string
    // (go-pagerduty) would otherwise fail on every list holding an event's custom details.
    ...(include.has('body') ? { body: { type: 'incident_body', details: row.details ?? null } } : {}),
  };
}

export type IncidentView = ReturnType<typeof incidentView>;

/** Loads everything the views of these incidents need, in a handful of queries. */
export async function loadExtras(ex: Executor, rows: readonly IncidentRow[]): Promise<IncidentExtras> {
  const ids = rows.map((r) => r.id);
  const counts = new Map<string, AlertCounts>();
  const timerMap = new Map<string, TimerRow[]>();
  const escalations = new Map<string, PendingEscalationRow>();
  const firstTriggers = new Map<string, string>();
  if (ids.length > 0) {
    const countRows = await ex
      .select({
        incidentId: alerts.incidentId,
        all: sql<number>`count(*)::int`,
        triggered: sql<number>`(count(*) filter (where ${alerts.status} = 'triggered'))::int`,
      })
      .from(alerts)
      .where(inArray(alerts.incidentId, ids))
      .groupBy(alerts.incidentId);
    for (const c of countRows) {
      if (c.incidentId) counts.set(c.incidentId, { all: c.all, triggered: c.triggered, resolved: c.all - c.triggered });
    }
    for (const t of await ex.select().from(timers).where(inArray(timers.incidentId, ids))) {
      timerMap.set(t.incidentId, [...(timerMap.get(t.incidentId) ?? []), t]);
    }
    for (const e of await ex.select().from(pendingEscalations).where(inArray(pendingEscalations.incidentId, ids))) {
      escalations.set(e.incidentId, e);
    }
    const firstIds = rows.map((r) => r.firstTriggerLogEntryId).filter((id): id is string => !!id);
    if (firstIds.length > 0) {
      const entries = await ex
        .select({ id: logEntries.id, incidentId: logEntries.incidentId, type: logEntries.type })
        .from(logEntries)
        .where(inArray(logEntries.id, firstIds));
      for (const e of entries) firstTriggers.set(e.incidentId, e.type);
    }
  }
  const responders = await loadResponders(ex, ids);
  const named = respondersRefIds(responders);
  const userIds = rows.flatMap((r) => [
    ...r.assignments.map((a) => a.userId),
    ...r.acknowledgements.filter((a) => a.actor.type === 'user').map((a) => a.actor.id),
    ...(r.lastStatusChangeBy?.type === 'user' ? [r.lastStatusChangeBy.id] : []),
  ]);
  userIds.push(...named.userIds);
  return {
    counts,
    timers: timerMap,
    escalations,
    responders,
    firstTriggers,
    services: await findEntities<ServiceSnapshot>(
      ex,
      'service',
      rows.map((r) => r.serviceId),
    ),
    policies: await findEntities<EscalationPolicySnapshot>(ex, 'escalation_policy', [
      ...rows.map((r) => r.escalationPolicyId).filter((id): id is string => !!id),
      ...named.policyIds,
    ]),
    users: await findEntities<UserSnapshot>(ex, 'user', userIds),
  };
}

export async function renderIncidents(
  ex: Executor,
  urls: GroupingUrls,
  rows: readonly IncidentRow[],
  include: ReadonlySet<string> = new Set(),
): Promise<IncidentView[]> {
  const extras = await loadExtras(ex, rows);
  return rows.map((r) => incidentView(urls, r, extras, include));
}

export async function renderIncident(
  ex: Executor,
  urls: GroupingUrls,
  row: IncidentRow,
  include?: ReadonlySet<string>,
) {
  const [view] = await renderIncidents(ex, urls, [row], include);
  return view as IncidentView;
}
