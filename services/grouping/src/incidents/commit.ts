import { encode, IncidentChangeKind, type ResponderRequested, timestampFromDate, topics } from '@klaxon/contracts';
import { type Executor, enqueueOutbox, insertMany, type OutboxMessage, queryRows, updateMany } from '@klaxon/db';
import { newMessageId, newRecordId } from '@klaxon/ids';
import { eq, sql } from 'drizzle-orm';
import {
  type Actor,
  alerts,
  applyTimerCommands,
  deleteTimers,
  type IncidentRow,
  incidents,
  type LogChannel,
  logEntries,
  outbox,
  type TimerRow,
  timers,
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
  const id = newRecordId();
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
 * Resolving an incident resolves the alerts still open on it, each with its own resolve log entry,
 * so a later trigger with one of their keys opens a new alert (dedup only sees open alerts). Every
 * path that resolves (REST, bulk, timers, events, merge) commits here or in a TransitionBatch. A
 * merge moves the source's alerts to the target before resolving the source, so moved alerts are
 * not touched.
 */
async function resolveOpenAlerts(
  ex: Executor,
  resolving: readonly { row: IncidentRow; cause: Cause; at: Date }[],
): Promise<Map<string, (typeof logEntries.$inferInsert)[]>> {
  const entries = new Map<string, (typeof logEntries.$inferInsert)[]>();
  if (resolving.length === 0) return entries;
  const byIncident = new Map(resolving.map((r) => [r.row.id, r]));
  const resolved = await queryRows<{ id: string; incident_id: string }>(
    ex,
    sql`update ${alerts} a set status = 'resolved', resolved_at = v.at
      from unnest(${sql.param([...byIncident.keys()])}::text[],
        ${sql.param([...byIncident.values()].map((r) => r.at.toISOString()))}::timestamptz[]) as v(incident_id, at)
      where a.incident_id = v.incident_id and a.status = 'triggered'
      returning a.id, a.incident_id`,
  );
  for (const a of resolved) {
    const { row, cause, at } = byIncident.get(a.incident_id) as { row: IncidentRow; cause: Cause; at: Date };
    const list = entries.get(row.id) ?? [];
    list.push(
      logEntryValues(newRecordId(), {
        type: 'resolve',
        incidentId: row.id,
        serviceId: row.serviceId,
        cause: { ...cause, note: null, alertId: a.id },
        at,
      }),
    );
    entries.set(row.id, list);
  }
  return entries;
}

/** Extra log fields per change (assignees on assign/escalate). */
function extraFor(change: lifecycle.ChangeKind, next: lifecycle.IncidentState): Record<string, unknown> {
  if (change === 'reassigned' || change === 'escalated' || change === 'delegated') {
    return { assignees: next.assigneeIds.map((id) => ({ id, type: 'user_reference' })) };
  }
  return {};
}

/** The columns a transition sets: its new state, and who changed the status (when it changed). */
function transitionValues(row: IncidentRow, transition: lifecycle.Transition, cause: Cause, at: Date) {
  const next = transition.incident;
  const base = rowPatch(row, next, at);
  const acknowledgements = transition.changes.includes('acknowledged')
    ? [
        ...base.acknowledgements,
        { actor: cause.actor ?? { type: 'service' as const, id: row.serviceId }, at: at.toISOString() },
      ]
    : base.acknowledgements;
  return {
    ...base,
    acknowledgements,
    ...(next.status !== row.status ? { lastStatusChangeBy: cause.actor } : {}),
    updatedAt: at,
  };
}

/** The log entries of a transition's changes, in order. */
function transitionLogEntries(
  row: IncidentRow,
  transition: lifecycle.Transition,
  cause: Cause,
  at: Date,
): NewLogEntry[] {
  return transition.changes.flatMap((change) => {
    const type = LOG_TYPES[change];
    if (!type) return [];
    return [
      {
        type,
        incidentId: row.id,
        serviceId: row.serviceId,
        cause: change === 'resolved' ? cause : { ...cause, note: null },
        at,
        extra: extraFor(change, transition.incident),
      },
    ];
  });
}

/**
 * Stores a lifecycle transition: the row, its timers, one log entry per change, and the
 * incidents.changed message, all in the caller's transaction. Returns the stored row.
 */
export async function commitTransition(
  ex: Executor,
  ctx: Pick<GroupingContext, 'urls'>,
  row: IncidentRow,
  transition: lifecycle.Transition,
  cause: Cause,
  at: Date,
  patch: Partial<IncidentRow> = {},
): Promise<IncidentRow> {
  const [updated] = await ex
    .update(incidents)
    .set({ ...transitionValues(row, transition, cause, at), ...patch, version: sql`${incidents.version} + 1` })
    .where(eq(incidents.id, row.id))
    .returning();
  if (!updated) throw new Error(`incident ${row.id} vanished inside its transaction`);
  await applyTimerCommands(ex, row.id, transition.timers);
  const alertResolves = transition.changes.includes('resolved')
    ? await resolveOpenAlerts(ex, [{ row, cause, at }])
    : new Map();
  await insertMany(ex, logEntries, [
    ...(alertResolves.get(row.id) ?? []),
    ...transitionLogEntries(row, transition, cause, at).map((e) => logEntryValues(newRecordId(), e)),
  ]);
  // A transition that changed nothing a consumer acts on (an alert joined) publishes nothing.
  if (transition.changes.length > 0) await publishChange(ex, ctx, updated, transition.changes, at);
  return updated;
}

/** The incident columns a TransitionBatch writes: every one a transition may change. */
const BATCH_COLUMNS = [
  'id',
  'status',
  'title',
  'urgency',
  'alertCount',
  'escalationLevel',
  'assignments',
  'acknowledgements',
  'lastStatusChangeAt',
  'lastStatusChangeBy',
  'acknowledgedAt',
  'resolvedAt',
  'snoozedUntil',
  'mergedInto',
  'version',
  'updatedAt',
] as const satisfies readonly (keyof IncidentRow)[];

/**
 * Many transitions of locked incidents in one transaction, written set-based: `apply` works out each
 * transition in memory (the next row, its timers, its log entries) and `publish` writes the incidents,
 * timers, resolved alerts and log entries with one statement each, then renders and queues their
 * incidents.changed together. A consumer batch's transitions would otherwise cost five statements or
 * more each. The caller must hold the incidents' locks (`lockIncidents`) and pass each incident's
 * latest row (the one `apply` returned before).
 */
export interface TransitionBatch {
  /** The row after the transition; nothing is written before `write` or `publish`. */
  apply(row: IncidentRow, transition: lifecycle.Transition, cause: Cause, at: Date): IncidentRow;
  /** A log entry of its own (a repeated or exhausted escalation path), kept in order with the others. */
  log(entry: NewLogEntry): void;
  /** Writes what was applied so far (before a statement of the caller's that reads those rows). */
  write(): Promise<void>;
  /** Writes, then queues the incidents.changed of every transition, rendered as the incidents now are. */
  publish(): Promise<void>;
}

export function createTransitionBatch(ex: Executor, ctx: Pick<GroupingContext, 'urls'>): TransitionBatch {
  const rows = new Map<string, IncidentRow>();
  /** Per incident and kind, the timer's last command: its due time, or null to disarm it. */
  const timerCommands = new Map<string, { incidentId: string; kind: TimerRow['kind']; arm: Date | null }>();
  /** Log entries in order; a resolve's alerts' entries are spliced in where the resolve was applied. */
  const entries: (NewLogEntry | { resolving: { row: IncidentRow; cause: Cause; at: Date } })[] = [];
  const messages: { row: IncidentRow; changes: readonly PublishedKind[]; at: Date }[] = [];

  async function write(): Promise<void> {
    const updated = [...rows.values()];
    rows.clear();
    await updateMany(
      ex,
      incidents,
      'id',
      updated.map((r) => Object.fromEntries(BATCH_COLUMNS.map((c) => [c, r[c]])) as typeof incidents.$inferInsert),
    );
    const commands = [...timerCommands.values()];
    timerCommands.clear();
    await deleteTimers(
      ex,
      commands.filter((c) => c.arm === null),
    );
    await insertMany(
      ex,
      timers,
      commands.flatMap((c) => (c.arm ? [{ incidentId: c.incidentId, kind: c.kind, dueAt: c.arm }] : [])),
      { onConflict: sql`(incident_id, kind) do update set due_at = excluded.due_at` },
    );
    const alertResolves = await resolveOpenAlerts(
      ex,
      entries.flatMap((e) => ('resolving' in e ? [e.resolving] : [])),
    );
    const values = entries.flatMap((e) =>
      'resolving' in e ? (alertResolves.get(e.resolving.row.id) ?? []) : [logEntryValues(newRecordId(), e)],
    );
    entries.length = 0;
    await insertMany(ex, logEntries, values);
  }

  return {
    apply(row, transition, cause, at) {
      const next: IncidentRow = { ...row, ...transitionValues(row, transition, cause, at), version: row.version + 1 };
      rows.set(row.id, next);
      for (const t of transition.timers) {
        timerCommands.set(`${row.id}\u0000${t.kind}`, {
          incidentId: row.id,
          kind: t.kind,
          arm: 'arm' in t ? t.arm : null,
        });
      }
      if (transition.changes.includes('resolved')) entries.push({ resolving: { row, cause, at } });
      entries.push(...transitionLogEntries(row, transition, cause, at));
      if (transition.changes.length > 0) messages.push({ row: next, changes: transition.changes, at });
      return next;
    },
    log(entry) {
      entries.push(entry);
    },
    write,
    async publish() {
      await write();
      if (messages.length === 0) return;
      const queued = messages.splice(0);
      const views = await renderIncidents(
        ex,
        ctx.urls,
        queued.map((q) => q.row),
      );
      await enqueueOutbox(
        ex,
        outbox,
        queued.map((q, i) => changeMessage(q.row, q.changes, q.at, views[i] as IncidentView)),
      );
    },
  };
}
