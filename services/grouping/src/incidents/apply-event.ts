import { type AcceptedEvent, EventAction, timestampDate } from '@klaxon/contracts';
import type { Executor } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import { eq } from 'drizzle-orm';
import {
  type AlertRow,
  alerts,
  changeEvents,
  countOpenAlerts,
  findIncident,
  findOpenAlert,
  findService,
  type ServiceSnapshot,
} from '../db';
import { type DedupDecision, decideDedup, lifecycle } from '../domain';
import { changeEventValues } from './change-event';
import { commitTransition, insertLogEntry } from './commit';
import type { GroupingContext } from './context';
import { alertValues, contentOfEvent, customDetailsOf, dedupEventOf, eventCause } from './event-alert';
import { groupNewAlert } from './group-alert';
import { timeoutsOf } from './service-settings';
import { stateOf } from './state';

/** What dedup and the lifecycle read of a key's open alert. */
export type OpenAlert = Pick<AlertRow, 'id' | 'incidentId' | 'serviceId' | 'integrationId' | 'alertKey' | 'status'>;

export type EventResult = 'duplicate' | 'unknown-action' | 'change-stored' | DedupDecision['kind'];

/**
 * Applies one events.accepted message with statements of its own, in the caller's transaction (which
 * claimed it in the inbox): dedup, grouping of a new alert, the lifecycle, log entries, timers and
 * incidents.changed on the outbox. The batch path (event-batch.ts) sends here what it does not do
 * in memory. Change events never create alerts: they are stored for /change_events.
 */
export async function applyEvent(
  tx: Executor,
  ctx: GroupingContext,
  event: AcceptedEvent,
  /** What the caller already read in this transaction: the key's open alert (locked) and the service. */
  known?: { open: OpenAlert | undefined; service: ServiceSnapshot | undefined },
): Promise<EventResult> {
  const input = dedupEventOf(event);
  if (!input) return 'unknown-action';
  const at = event.receivedAt ? timestampDate(event.receivedAt) : ctx.clock.now();
  if (event.action === EventAction.CHANGE) {
    await tx.insert(changeEvents).values(changeEventValues(event, at)).onConflictDoNothing({ target: changeEvents.id });
    return 'change-stored';
  }
  const open = known
    ? known.open
    : event.dedupKey
      ? await findOpenAlert(tx, event.integrationId, event.dedupKey)
      : undefined;
  const decision = decideDedup(
    input,
    open && {
      alertId: open.id,
      integrationId: open.integrationId,
      dedupKey: open.alertKey,
      status: open.status,
    },
  );
  const service = known ? known.service : await findService(tx, event.serviceId);
  if (!service) ctx.log.warn({ serviceId: event.serviceId }, 'service_snapshot_missing');
  switch (decision.kind) {
    case 'new-alert':
    case 'suppressed':
      await createAlert(tx, ctx, event, service, decision.kind === 'suppressed', at);
      break;
    case 'update-existing-alert':
      if (open?.incidentId) {
        const content = contentOfEvent(event, customDetailsOf(event));
        await insertLogEntry(tx, {
          type: 'trigger',
          incidentId: open.incidentId,
          serviceId: open.serviceId,
          cause: eventCause(event, open.id, content),
          at,
        });
      }
      break;
    case 'acknowledge-alert':
      if (open?.incidentId) await acknowledgeIncident(tx, ctx, event, open.incidentId, service, at);
      break;
    case 'resolve-alert':
      await tx.update(alerts).set({ status: 'resolved', resolvedAt: at }).where(eq(alerts.id, decision.alertId));
      if (open?.incidentId) await resolveIfDone(tx, ctx, event, open.incidentId, at);
      break;
    case 'drop':
      ctx.log.debug({ eventId: event.id, reason: decision.reason }, 'event_dropped');
      break;
  }
  return decision.kind;
}

async function createAlert(
  tx: Executor,
  ctx: GroupingContext,
  event: AcceptedEvent,
  service: ServiceSnapshot | undefined,
  suppressed: boolean,
  at: Date,
) {
  const details = customDetailsOf(event);
  const content = contentOfEvent(event, details);
  const alertId = newObjectId();
  // Stored first, so the incident it opens or joins counts it when incidents.changed is rendered.
  await tx.insert(alerts).values(alertValues(event, { id: alertId, content, details, suppressed, at }));
  if (suppressed) return;
  const placed = await groupNewAlert(tx, ctx, { event, service, content, alertId, at });
  await tx
    .update(alerts)
    .set({ incidentId: placed.incidentId, firstTriggerLogEntryId: placed.logEntryId })
    .where(eq(alerts.id, alertId));
}

async function acknowledgeIncident(
  tx: Executor,
  ctx: GroupingContext,
  event: AcceptedEvent,
  incidentId: string,
  service: ServiceSnapshot | undefined,
  at: Date,
) {
  const row = await findIncident(tx, incidentId, true);
  if (!row) return;
  const result = lifecycle.acknowledge(stateOf(row), at, timeoutsOf(service));
  // Already acknowledged or resolved: the event API answers 202 anyway and nothing changes.
  if (result.ok) await commitTransition(tx, ctx, row, result, eventCause(event, null), at);
}

async function resolveIfDone(tx: Executor, ctx: GroupingContext, event: AcceptedEvent, incidentId: string, at: Date) {
  const row = await findIncident(tx, incidentId, true);
  if (!row) return;
  const result = lifecycle.alertsResolved(stateOf(row), await countOpenAlerts(tx, incidentId), at);
  if (result.ok && result.changes.length > 0) await commitTransition(tx, ctx, row, result, eventCause(event, null), at);
}
