import { type IncidentChanged, IncidentChangeKind } from '@klaxon/contracts';
import { claimMessages, type Database, insertMany, queryRows, sql } from '@klaxon/db';
import { newMessageId } from '@klaxon/ids';
import { cancelPending, catalogReplica, inbox, incidentState, outgoingPosts } from '../db';
import { type ChatKind, slackBody, teamsBody } from './chat';
import { envelope, incidentData, noteData } from './envelope';
import { liveSubscriptions, subscriptionTakes } from './subscription-filter';

const EVENT_OF: Partial<Record<IncidentChangeKind, string>> = {
  [IncidentChangeKind.TRIGGERED]: 'incident.triggered',
  [IncidentChangeKind.ACKNOWLEDGED]: 'incident.acknowledged',
  [IncidentChangeKind.UNACKNOWLEDGED]: 'incident.unacknowledged',
  [IncidentChangeKind.RESOLVED]: 'incident.resolved',
  [IncidentChangeKind.ESCALATED]: 'incident.escalated',
  [IncidentChangeKind.REASSIGNED]: 'incident.reassigned',
  [IncidentChangeKind.DELEGATED]: 'incident.delegated',
  [IncidentChangeKind.PRIORITY_UPDATED]: 'incident.priority_updated',
  [IncidentChangeKind.ANNOTATED]: 'incident.annotated',
};

// What chat channels are told: the changes people act on.
const CHAT_CHANGES: Partial<Record<IncidentChangeKind, string>> = {
  [IncidentChangeKind.TRIGGERED]: 'Triggered',
  [IncidentChangeKind.ACKNOWLEDGED]: 'Acknowledged',
  [IncidentChangeKind.RESOLVED]: 'Resolved',
};

type Json = Record<string, unknown>;

export interface IncidentChangeDeps {
  db: Database;
  publicUrl: string;
  /** Configured chat webhooks, by kind. */
  chat: Partial<Record<ChatKind, string>>;
}

const dateOf = (m: IncidentChanged, fallback: Date) =>
  m.occurredAt ? new Date(Number(m.occurredAt.seconds) * 1000 + Math.floor(m.occurredAt.nanos / 1e6)) : fallback;

/**
 * Applies a batch of incidents.changed in one transaction: keeps each incident's latest state,
 * cancels the pending notifications an acknowledgement, resolve or reassignment makes moot, and
 * queues one webhooks v3 post per matching subscription and event (and the chat posts), in the
 * order of the changes. Redelivered messages are left out by the inbox.
 */
/** Users whose responder request the incident's snapshot shows answered or cancelled (not pending). */
function answeredResponders(snapshotJson: string): string[] {
  try {
    const view = JSON.parse(snapshotJson || '{}') as {
      incidents_responders?: { state?: string; user?: { id?: string } }[];
    };
    return (view.incidents_responders ?? []).flatMap((r) => (r.state !== 'pending' && r.user?.id ? [r.user.id] : []));
  } catch {
    return [];
  }
}

export async function applyIncidentChanges(deps: IncidentChangeDeps, messages: readonly IncidentChanged[], now: Date) {
  return deps.db.transaction(async (tx) => {
    const todo = await claimMessages(tx, inbox, messages);
    if (todo.length === 0) return { cancelled: 0, posts: 0 };
    const incidentIds = [...new Set(todo.map((m) => m.incidentId))];
    const before = new Map(
      (
        await queryRows<{ incident_id: string; status: string; version: string }>(
          tx,
          sql`select incident_id, status, version from ${incidentState} where incident_id = any(${sql.param(incidentIds)}::text[])`,
        )
      ).map((r) => [r.incident_id, { status: r.status, version: Number(r.version) }]),
    );

    // Latest state per incident (a replayed older message changes nothing).
    const latest = new Map<string, IncidentChanged>();
    for (const m of todo) {
      const cur = latest.get(m.incidentId);
      if (!cur || cur.incidentVersion < m.incidentVersion) latest.set(m.incidentId, m);
    }
    await insertMany(
      tx,
      incidentState,
      [...latest.values()].map((m) => ({
        incidentId: m.incidentId,
        version: Number(m.incidentVersion),
        status: m.status,
        serviceId: m.serviceId,
        assignedUserIds: m.assignedUserIds,
        snapshot: JSON.parse(m.snapshotJson || '{}') as Json,
        changedAt: dateOf(m, now),
      })),
      {
        onConflict: sql`(incident_id) do update set version = excluded.version, status = excluded.status,
          service_id = excluded.service_id, assigned_user_ids = excluded.assigned_user_ids, snapshot = excluded.snapshot,
          changed_at = excluded.changed_at where ${incidentState.version} < excluded.version`,
      },
    );
    const fresher = [...latest.values()].filter(
      (m) => (before.get(m.incidentId)?.version ?? -1) < Number(m.incidentVersion),
    );
    const cancelled = await cancelPending(
      tx,
      fresher.map((m) => ({
        incidentId: m.incidentId,
        status: m.status,
        assignedUserIds: m.assignedUserIds,
        reassigned:
          m.changes.includes(IncidentChangeKind.REASSIGNED) ||
          m.changes.includes(IncidentChangeKind.ESCALATED) ||
          m.changes.includes(IncidentChangeKind.DELEGATED),
        answeredResponderIds: answeredResponders(m.snapshotJson),
      })),
      now,
    );

    const live = await liveSubscriptions(tx);
    const teamsOf = new Map<string, string[]>();
    if (live.some((s) => s.filterType === 'team_reference')) {
      const services = await queryRows<{ entity_id: string; teams: { id: string }[] | null }>(
        tx,
        sql`select entity_id, snapshot -> 'teams' teams from ${catalogReplica}
            where entity_type = 'service' and entity_id = any(${sql.param([...new Set(todo.map((m) => m.serviceId))])}::text[])`,
      );
      for (const s of services)
        teamsOf.set(
          s.entity_id,
          (s.teams ?? []).map((t) => t.id),
        );
    }

    const posts: (typeof outgoingPosts.$inferInsert)[] = [];
    let status = new Map([...before].map(([id, b]) => [id, b.status]));
    for (const m of todo) {
      const view = JSON.parse(m.snapshotJson || '{}') as Json;
      const at = dateOf(m, now);
      const wasResolved = status.get(m.incidentId) === 'resolved';
      status = status.set(m.incidentId, m.status);
      const events = m.changes.flatMap((c) => {
        const type = EVENT_OF[c];
        if (!type) return [];
        return [type === 'incident.triggered' && wasResolved ? 'incident.reopened' : type];
      });
      // The change's own agent when grouping names one (a priority or note), else who changed the status.
      const agent = m.detail?.agentJson
        ? (JSON.parse(m.detail.agentJson) as Json)
        : ((view.last_status_change_by as Json | null | undefined) ?? null);
      for (const eventType of events) {
        const data =
          eventType === 'incident.annotated'
            ? noteData(view, m.detail?.noteId ?? '', m.detail?.noteContent ?? '')
            : incidentData(view);
        const target = { serviceId: m.serviceId, teamIds: teamsOf.get(m.serviceId) ?? [] };
        for (const s of live) {
          if (!subscriptionTakes(s, eventType, target)) continue;
          const id = newMessageId(now);
          posts.push({
            id,
            kind: 'webhook',
            target: s.id,
            orderKey: m.incidentId,
            body: envelope({
              id,
              eventType,
              resourceType: 'incident',
              occurredAt: at,
              agent,
              data,
            }),
            state: 'pending',
            nextAttemptAt: now,
            createdAt: now,
          });
        }
      }
      for (const c of m.changes) {
        const change = CHAT_CHANGES[c];
        if (!change) continue;
        const service = view.service as { summary?: string } | undefined;
        const summary = {
          id: m.incidentId,
          number: Number(m.incidentNumber),
          title: m.title,
          serviceName: service?.summary ?? m.serviceId,
          urgency: m.urgency,
          status: m.status,
          detailsUrl: typeof view.html_url === 'string' ? view.html_url : `${deps.publicUrl}/incidents/${m.incidentId}`,
          acknowledgeUrl: '',
          resolveUrl: '',
        };
        for (const [kind, url] of Object.entries(deps.chat) as [ChatKind, string][]) {
          if (!url) continue;
          posts.push({
            id: newMessageId(now),
            kind,
            target: kind,
            orderKey: m.incidentId,
            body: kind === 'slack' ? slackBody(summary, change) : teamsBody(summary, change),
            state: 'pending',
            nextAttemptAt: now,
            createdAt: now,
          });
        }
      }
    }
    await insertMany(
      tx,
      outgoingPosts,
      posts.map((p) => ({ ...p, tries: 0 })),
    );
    return { cancelled, posts: posts.length };
  });
}
