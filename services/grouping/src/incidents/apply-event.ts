import type { AcceptedEvent } from '@klaxon/contracts';
import type { Executor } from '@klaxon/db';
import { eq } from 'drizzle-orm';
import { type AlertRow, alerts, countOpenAlerts, findIncident, type ServiceSnapshot } from '../db';
import { type DedupDecision, lifecycle } from '../domain';
import { commitTransition } from './commit';
import type { GroupingContext } from './context';
import { eventCause } from './event-alert';
import { timeoutsOf } from './service-settings';
import { stateOf } from './state';

/** What dedup and the lifecycle read of a key's open alert. */
export type OpenAlert = Pick<AlertRow, 'id' | 'incidentId' | 'serviceId' | 'integrationId' | 'alertKey' | 'status'>;

export type EventResult = 'duplicate' | 'unknown-action' | 'change-stored' | DedupDecision['kind'];

/**
 * Applies an event that acknowledges or resolves its key's open alert, with statements of its own in
 * the caller's transaction (which claimed it in the inbox): the lifecycle, log entries, timers and
 * incidents.changed on the outbox. Everything else an event does is done in memory by the batch
 * (event-batch.ts).
 */
export async function applyAlertAction(
  tx: Executor,
  ctx: GroupingContext,
  event: AcceptedEvent,
  decision: Extract<DedupDecision, { kind: 'acknowledge-alert' | 'resolve-alert' }>,
  /** The key's open alert, locked by the caller. */
  open: OpenAlert | undefined,
  service: ServiceSnapshot | undefined,
  at: Date,
): Promise<{ resolvedIncident: boolean }> {
  if (decision.kind === 'acknowledge-alert') {
    if (open?.incidentId) await acknowledgeIncident(tx, ctx, event, open.incidentId, service, at);
    return { resolvedIncident: false };
  }
  await tx.update(alerts).set({ status: 'resolved', resolvedAt: at }).where(eq(alerts.id, decision.alertId));
  return { resolvedIncident: open?.incidentId ? await resolveIfDone(tx, ctx, event, open.incidentId, at) : false };
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

/** Resolves the incident when its last open alert resolved; true when it did. */
async function resolveIfDone(
  tx: Executor,
  ctx: GroupingContext,
  event: AcceptedEvent,
  incidentId: string,
  at: Date,
): Promise<boolean> {
  const row = await findIncident(tx, incidentId, true);
  if (!row) return false;
  const result = lifecycle.alertsResolved(stateOf(row), await countOpenAlerts(tx, incidentId), at);
  if (!result.ok || result.changes.length === 0) return false;
  await commitTransition(tx, ctx, row, result, eventCause(event, null), at);
  return result.changes.includes('resolved');
}
