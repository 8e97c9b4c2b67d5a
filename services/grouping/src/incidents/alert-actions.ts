import type { Executor } from '@klaxon/db';
import { eq } from 'drizzle-orm';
import {
  type Actor,
  type AlertRow,
  alerts,
  alertsOfIncidents,
  contentOf,
  countOpenAlerts,
  findIncident,
  findService,
} from '../db';
import { learnMerge, learnSplit, lifecycle, modelFields } from '../domain';
import { invalid, notFound, orRefuse } from '../http/errors';
import { type Cause, commitTransition } from './commit';
import type { GroupingContext } from './context';
import { policyOf } from './service-settings';
import { stateOf } from './state';

export interface AlertUpdate {
  status?: 'triggered' | 'resolved';
  incident?: { id: string };
}

/** Resolves the incident when its last open alert went away (resolved or moved out). */
async function settle(tx: Executor, ctx: GroupingContext, incidentId: string, cause: Cause, at: Date) {
  const row = await findIncident(tx, incidentId, true);
  if (!row) return;
  const result = lifecycle.alertsResolved(stateOf(row), await countOpenAlerts(tx, incidentId), at);
  if (result.ok && result.changes.length > 0) await commitTransition(tx, ctx, row, result, cause, at);
}

/**
 * Moves an alert to another open incident. The source service's model learns the alert did not
 * belong with the ones left behind (learnSplit), and that it belongs with the target's (learnMerge).
 */
async function moveAlert(
  tx: Executor,
  ctx: GroupingContext,
  alert: AlertRow,
  targetId: string,
  cause: Cause,
  at: Date,
) {
  const fromId = alert.incidentId;
  if (!fromId) throw invalid('A suppressed alert cannot be moved');
  const target = await findIncident(tx, targetId, true);
  if (!target) throw invalid(`Incident ${targetId} does not exist`);
  if (target.id === fromId) return;
  const added = orRefuse(lifecycle.addAlert(stateOf(target)));
  const before = await alertsOfIncidents(tx, [fromId, target.id], 200);
  await tx.update(alerts).set({ incidentId: target.id }).where(eq(alerts.id, alert.id));
  await commitTransition(tx, ctx, target, added, cause, at);
  const source = await findIncident(tx, fromId, true);
  if (source) {
    await commitTransition(
      tx,
      ctx,
      source,
      {
        ok: true,
        incident: { ...stateOf(source), alertCount: Math.max(0, source.alertCount - 1) },
        changes: [],
        timers: [],
      },
      cause,
      at,
    );
    if (alert.status === 'triggered') await settle(tx, ctx, fromId, cause, at);
  }
  const serviceId = source?.serviceId ?? alert.serviceId;
  const fields = modelFields(policyOf(await findService(tx, serviceId)));
  const model = await ctx.models.load(tx, serviceId);
  const content = contentOf(alert);
  const left = before.filter((a) => a.incidentId === fromId && a.id !== alert.id).map(contentOf);
  learnSplit(model, { alert: content, from: left }, fields);
  learnMerge(
    model,
    { source: [content], target: before.filter((a) => a.incidentId === target.id).map(contentOf) },
    fields,
  );
  await ctx.models.save(tx, serviceId, model, at);
}

/** PUT /incidents/{id}/alerts/{alert_id}: resolve an alert and/or move it to another incident. */
export async function updateAlert(
  tx: Executor,
  ctx: GroupingContext,
  incidentId: string,
  alertId: string,
  update: AlertUpdate,
  actor: Actor,
  at: Date,
): Promise<AlertRow> {
  const [alert] = await tx.select().from(alerts).where(eq(alerts.id, alertId)).for('update');
  if (!alert || alert.incidentId !== incidentId) throw notFound('Alert');
  const cause: Cause = { actor, channel: { type: 'website' }, alertId };
  if (update.status === 'triggered' && alert.status === 'resolved')
    throw invalid('A resolved alert cannot be re-triggered');
  if (update.incident && update.incident.id !== incidentId)
    await moveAlert(tx, ctx, alert, update.incident.id, cause, at);
  if (update.status === 'resolved' && alert.status === 'triggered') {
    await tx.update(alerts).set({ status: 'resolved', resolvedAt: at }).where(eq(alerts.id, alertId));
    const current = update.incident?.id ?? incidentId;
    await settle(tx, ctx, current, cause, at);
  }
  const [updated] = await tx.select().from(alerts).where(eq(alerts.id, alertId));
  if (!updated) throw notFound('Alert');
  return updated;
}
