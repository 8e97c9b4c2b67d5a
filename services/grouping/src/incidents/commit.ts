import { encode, IncidentChangeKind, type ResponderRequested, timestampFromDate, topics } from '@klaxon/contracts';
import { type Executor, enqueueOutbox, type OutboxMessage } from '@klaxon/db';
import { newMessageId, newObjectId } from '@klaxon/ids';
import { and, eq, sql } from 'drizzle-orm';
import {
  type Actor,
  alerts,
  applyTimerCommands,
  type IncidentRow,
  incidents,
  type LogChannel,
  logEntries,
  outbox,
} from '../db';
import type { lifecycle } from '../domain';
import { type IncidentView, renderIncident, renderIncidents } from '../views/incident.view';
import type { GroupingContext } from './context';
import { rowPatch } from './state';

/** Changes outside the state machine, published for webhooks v3 (incident.priority_updated, incident.annotated). */
export type ExtraChangeKind = 'priority_updated' | 'annotated';
type PublishedKind = lifecycle.ChangeKind | ExtraChangeKind;

const KINDS: Record<PublishedKind, IncidentChangeKind> = {
  triggered: IncidentChangeKind.TRIGGERED,
  acknowledged: IncidentChangeKind.ACKNOWLEDGED,
  escalated: IncidentChangeKind.ESCALATED,
  reassigned: IncidentChangeKind.REASSIGNED,
  resolved: IncidentChangeKind.RESOLVED,
  merged: IncidentChangeKind.MERGED,
  urgency: IncidentChangeKind.URGENCY,
  unacknowledged: IncidentChangeKind.UNACKNOWLEDGED,
  delegated: IncidentChangeKind.DELEGATED,
  priority_updated: IncidentChangeKind.PRIORITY_UPDATED,
  annotated: IncidentChangeKind.ANNOTATED,
};

/** Who made a change outside the state machine and, for a note, the note. */
export interface ChangeDetail {
  agent: Actor | null;
  note?: { id: string; content: string };
}

// The log entry each change writes; a merge is logged by the resolve it causes on the source.
const LOG_TYPES: Partial<Record<lifecycle.ChangeKind, string>> = {
  triggered: 'trigger',
  acknowledged: 'acknowledge',
  unacknowledged: 'unacknowledge',
  resolved: 'resolve',
  escalated: 'escalate',
  reassigned: 'assign',
  delegated: 'delegate',
  urgency: 'urgency_change',
};

/** Who acted and through what: becomes the log entries' agent and channel. */
export interface Cause {
  actor: Actor | null;
  channel: LogChannel;
  /** The resolution note (resolve) or a log note. */
  note?: string | null;
  alertId?: string | null;
}

export interface NewLogEntry {
  type: string;
  incidentId: string;
  serviceId: string;
  cause: Cause;
  at: Date;
  extra?: Record<string, unknown>;
}

/** The stored row of a new log entry. */
export function logEntryValues(id: string, entry: NewLogEntry): typeof logEntries.$inferInsert {
  return {
    id,
    type: entry.type,
    incidentId: entry.incidentId,
    serviceId: entry.serviceId,
    alertId: entry.cause.alertId ?? null,
    agent: entry.cause.actor,
    channel: entry.cause.channel,
    note: entry.cause.note ?? null,
    extra: entry.extra ?? {},
    createdAt: entry.at,
  };
}

export async function insertLogEntry(ex: Executor, entry: NewLogEntry): Promise<string> {
  const id = newObjectId();
  await ex.insert(logEntries).values(logEntryValues(id, entry));
  return id;
}

/** The incidents.changed message of an incident as it now is, with its rendered REST view. */
export function changeMessage(
  row: IncidentRow,
  changes: readonly PublishedKind[],
  at: Date,
  view: IncidentView,
  /** The integration whose alert opened the incident (on the opening message only). */
  integrationId = '',
  extra: {
    /** A responder request just made: published as RESPONDERS_REQUESTED for escalation to notify. */
    responderRequest?: Omit<ResponderRequested, '$typeName' | '$unknown'>;
    /** Who changed the priority or added a note (webhooks v3). */
    detail?: ChangeDetail;
  } = {},
): OutboxMessage {
  const { responderRequest, detail } = extra;
  return encode(topics.incidentsChanged, {
    id: newMessageId(at),
    incidentId: row.id,
    incidentNumber: BigInt(row.number),
    serviceId: row.serviceId,
    escalationPolicyId: row.escalationPolicyId ?? '',
    status: row.status,
    urgency: row.urgency,
    title: row.title,
    changes: [...changes.map((c) => KINDS[c]), ...(responderRequest ? [IncidentChangeKind.RESPONDERS_REQUESTED] : [])],
    ...(responderRequest ? { responderRequest } : {}),
    assignedUserIds: row.assignments.map((a) => a.userId),
    escalationLevel: row.escalationLevel,
    occurredAt: timestampFromDate(at),
    snapshotJson: JSON.stringify(view),
    incidentVersion: BigInt(row.version),
    integrationId,
    ...(detail
      ? {
          detail: {
            agentJson: detail.agent
              ? JSON.stringify({ id: detail.agent.id, type: detail.agent.refType ?? `${detail.agent.type}_reference` })
              : '',
            noteId: detail.note?.id ?? '',
            noteContent: detail.note?.content ?? '',
          },
        }
      : {}),
  });
}

/**
 * Queues incidents.changed for the incident as it now is, in the caller's transaction. With no change
 * kinds too: a change outside the state machine (the incident moved to another service) publishes it.
 * `integrationId` is the opening alert's integration, given only when the incident opens.
 */
export async function publishChange(
  ex: Executor,
  ctx: Pick<GroupingContext, 'urls'>,
  row: IncidentRow,
  changes: readonly PublishedKind[],
  at: Date,
  integrationId = '',
  detail?: ChangeDetail,
): Promise<void> {
  const view = await renderIncident(ex, ctx.urls, row);
  await enqueueOutbox(ex, outbox, [changeMessage(row, changes, at, view, integrationId, detail ? { detail } : {})]);
}

/**
 * The incidents.changed messages of many transitions in one transaction, rendered together and
 * queued in one statement by `publish` (a consumer batch's transactions would otherwise render each
 * incident with statements of its own). Views are rendered as the incidents are at `publish`.
 */
export interface ChangeBatch {
  add(row: IncidentRow, changes: readonly PublishedKind[], at: Date): void;
  publish(): Promise<void>;
}

export function createChangeBatch(ex: Executor, ctx: Pick<GroupingContext, 'urls'>): ChangeBatch {
  const queued: { row: IncidentRow; changes: readonly PublishedKind[]; at: Date }[] = [];
  return {
    add: (row, changes, at) => {
      queued.push({ row, changes, at });
    },
    async publish() {
      if (queued.length === 0) return;
      const views = await renderIncidents(
        ex,
        ctx.urls,
        queued.map((q) => q.row),
      );
      const messages = queued.map((q, i) => changeMessage(q.row, q.changes, q.at, views[i] as IncidentView));
      queued.length = 0;
      await enqueueOutbox(ex, outbox, messages);
    },
  };
}

/**
 * Resolving an incident resolves the alerts still open on it, each with its own resolve log entry,
 * so a later trigger with one of their keys opens a new alert (dedup only sees open alerts). Every
 * path that resolves (REST, bulk, timers, events, merge) commits here. A merge moves the source's
 * alerts to the target before resolving the source, so moved alerts are not touched.
 */
async function resolveOpenAlerts(ex: Executor, row: IncidentRow, cause: Cause, at: Date): Promise<void> {
  const resolved = await ex
    .update(alerts)
    .set({ status: 'resolved', resolvedAt: at })
    .where(and(eq(alerts.incidentId, row.id), eq(alerts.status, 'triggered')))
    .returning({ id: alerts.id });
  if (resolved.length === 0) return;
  await ex.insert(logEntries).values(
    resolved.map((a) =>
      logEntryValues(newObjectId(), {
        type: 'resolve',
        incidentId: row.id,
        serviceId: row.serviceId,
        cause: { ...cause, note: null, alertId: a.id },
        at,
      }),
    ),
  );
}

/** Extra log fields per change (assignees on assign/escalate). */
function extraFor(change: lifecycle.ChangeKind, next: lifecycle.IncidentState): Record<string, unknown> {
  if (change === 'reassigned' || change === 'escalated' || change === 'delegated') {
    return { assignees: next.assigneeIds.map((id) => ({ id, type: 'user_reference' })) };
  }
  return {};
}

/**
 * Stores a lifecycle transition: the row, its timers, one log entry per change, and the
 * incidents.changed message (queued on `batch` when given), all in the caller's transaction.
 * Returns the stored row.
 */
export async function commitTransition(
  ex: Executor,
  ctx: Pick<GroupingContext, 'urls'>,
  row: IncidentRow,
  transition: lifecycle.Transition,
  cause: Cause,
  at: Date,
  patch: Partial<IncidentRow> = {},
  batch?: ChangeBatch,
): Promise<IncidentRow> {
  const next = transition.incident;
  const base = rowPatch(row, next, at);
  const acknowledgements = transition.changes.includes('acknowledged')
    ? [
        ...base.acknowledgements,
        { actor: cause.actor ?? { type: 'service' as const, id: row.serviceId }, at: at.toISOString() },
      ]
    : base.acknowledgements;
  const statusChanged = next.status !== row.status;
  const [updated] = await ex
    .update(incidents)
    .set({
      ...base,
      acknowledgements,
      ...(statusChanged ? { lastStatusChangeBy: cause.actor } : {}),
      ...patch,
      version: sql`${incidents.version} + 1`,
      updatedAt: at,
    })
    .where(eq(incidents.id, row.id))
    .returning();
  if (!updated) throw new Error(`incident ${row.id} vanished inside its transaction`);
  await applyTimerCommands(ex, row.id, transition.timers);
  if (transition.changes.includes('resolved')) await resolveOpenAlerts(ex, row, cause, at);
  for (const change of transition.changes) {
    const type = LOG_TYPES[change];
    if (!type) continue;
    await insertLogEntry(ex, {
      type,
      incidentId: row.id,
      serviceId: row.serviceId,
      cause: change === 'resolved' ? cause : { ...cause, note: null },
      at,
      extra: extraFor(change, next),
    });
  }
  // A transition that changed nothing a consumer acts on (an alert joined) publishes nothing.
  if (transition.changes.length > 0) {
    if (batch) batch.add(updated, transition.changes, at);
    else await publishChange(ex, ctx, updated, transition.changes, at);
  }
  return updated;
}
