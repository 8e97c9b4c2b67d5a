import type { Executor } from '@klaxon/db';
import { newRecordId } from '@klaxon/ids';
import { eq } from 'drizzle-orm';
import { alerts, applyTimerCommands, type IncidentRow, incidents, type ServiceSnapshot } from '../db';
import { type GroupingWindow, lifecycle, type Urgency } from '../domain';
import { type Cause, insertLogEntry, publishChange } from './commit';
import type { GroupingContext } from './context';
import { timeoutsOf } from './service-settings';

export interface NewIncident {
  title: string;
  serviceId: string;
  service: ServiceSnapshot | undefined;
  urgency: Urgency;
  assigneeIds: string[];
  assignedVia: IncidentRow['assignedVia'];
  escalationPolicyId: string | null;
  incidentKey?: string | null;
  details?: unknown;
  priority?: Record<string, unknown> | null;
  /** Grouping state: the policy type and window the incident was opened with (null = takes no grouped alerts). */
  groupingType?: string | null;
  window?: GroupingWindow | null;
  /** Alerts it starts with (1 for an event, 0 for a manual incident). */
  alertCount: number;
  cause: Cause;
  /** The (already stored) alert that opens it: attached before incidents.changed renders the counts. */
  alertId?: string;
  /** Trigger log entry fields beyond the channel (event details). */
  triggerExtra?: Record<string, unknown>;
}

/**
 * Opens an incident: the row, its trigger log entry, its auto-resolve timer and incidents.changed,
 * in the caller's transaction. The number comes from the account-wide sequence.
 */
export async function openIncident(ex: Executor, ctx: Pick<GroupingContext, 'urls'>, input: NewIncident, at: Date) {
  const id = newRecordId();
  const transition = lifecycle.openIncident({
    id,
    title: input.title,
    urgency: input.urgency,
    assigneeIds: input.assigneeIds,
    now: at,
    timeouts: timeoutsOf(input.service),
  });
  const logId = await insertLogEntry(ex, {
    type: 'trigger',
    incidentId: id,
    serviceId: input.serviceId,
    cause: input.cause,
    at,
    extra: input.triggerExtra ?? {},
  });
  const [row] = await ex
    .insert(incidents)
    .values(incidentValues(id, input, logId, at))
    .returning();
  if (!row) throw new Error('incident insert returned nothing');
  const [opening] = input.alertId
    ? await ex
        .update(alerts)
        .set({ incidentId: id, firstTriggerLogEntryId: logId })
        .where(eq(alerts.id, input.alertId))
        .returning({ integrationId: alerts.integrationId })
    : [];
  await applyTimerCommands(ex, id, transition.timers);
  await publishChange(ex, ctx, row, transition.changes, at, opening?.integrationId);
  return row;
}

/** The stored row of a new incident (its number comes from the sequence on insert). */
export function incidentValues(
  id: string,
  input: NewIncident,
  firstTriggerLogEntryId: string,
  at: Date,
): typeof incidents.$inferInsert & { id: string } {
  return {
    id,
    title: input.title,
    status: 'triggered',
    urgency: input.urgency,
    serviceId: input.serviceId,
    escalationPolicyId: input.escalationPolicyId,
    escalationLevel: 1,
    assignedVia: input.assignedVia,
    assignments: input.assigneeIds.map((userId) => ({ userId, at: at.toISOString() })),
    acknowledgements: [],
    incidentKey: input.incidentKey ?? null,
    alertCount: input.alertCount,
    groupingType: input.groupingType ?? null,
    windowStartedAt: input.window?.startedAt ?? null,
    windowLastGroupedAt: input.window?.lastGroupedAt ?? null,
    acknowledgedAt: null,
    snoozedUntil: null,
    resolvedAt: null,
    mergedInto: null,
    priority: input.priority ?? null,
    details: input.details ?? null,
    firstTriggerLogEntryId,
    lastStatusChangeAt: at,
    lastStatusChangeBy: input.cause.actor,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** Re-reads an incident inside the transaction (after updates the caller made beside commitTransition). */
export async function reload(ex: Executor, id: string): Promise<IncidentRow> {
  const [row] = await ex.select().from(incidents).where(eq(incidents.id, id));
  if (!row) throw new Error(`incident ${id} not found`);
  return row;
}
