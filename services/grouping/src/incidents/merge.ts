import type { Executor } from '@klaxon/db';
import { inArray } from 'drizzle-orm';
import { type Actor, alerts, alertsOfIncidents, contentOf, findService, type IncidentRow, lockIncidents } from '../db';
import { learnMerge, lifecycle, modelFields } from '../domain';
import { invalid, notFound, orRefuse } from '../http/errors';
import { commitTransition } from './commit';
import type { GroupingContext } from './context';
import { policyOf } from './service-settings';
import { stateOf } from './state';

/**
 * Merges the sources into the target: their alerts move to the target, each source is resolved
 * with a merge reason, and the target service's model learns that these alerts belong together.
 */
export async function mergeIncidents(
  tx: Executor,
  ctx: GroupingContext,
  targetId: string,
  sourceIds: readonly string[],
  actor: Actor,
  at: Date,
): Promise<IncidentRow> {
  const locked = await lockIncidents(tx, [targetId, ...sourceIds]);
  const byId = new Map(locked.map((r) => [r.id, r]));
  const target = byId.get(targetId);
  if (!target) throw notFound('Incident');
  const sources = [...new Set(sourceIds)].map((id) => {
    const row = byId.get(id);
    if (!row) throw invalid(`Incident ${id} does not exist`);
    return row;
  });
  const result = orRefuse(lifecycle.merge(stateOf(target), sources.map(stateOf), at));
  const before = await alertsOfIncidents(tx, [target.id, ...sources.map((s) => s.id)], 200);
  await tx
    .update(alerts)
    .set({ incidentId: target.id })
    .where(
      inArray(
        alerts.incidentId,
        sources.map((s) => s.id),
      ),
    );
  const cause = { actor, channel: { type: 'website' } };
  for (const [i, source] of sources.entries()) {
    const transition = result.sources[i];
    if (transition) {
      await commitTransition(tx, ctx, source, transition, { ...cause, note: `Merged into ${target.id}` }, at);
    }
  }
  const merged = await commitTransition(tx, ctx, target, result.target, cause, at);

  const service = await findService(tx, target.serviceId);
  const fields = modelFields(policyOf(service));
  const model = await ctx.models.load(tx, target.serviceId);
  const targetAlerts = before.filter((a) => a.incidentId === target.id).map(contentOf);
  for (const source of sources) {
    const sourceAlerts = before.filter((a) => a.incidentId === source.id).map(contentOf);
    learnMerge(model, { source: sourceAlerts, target: targetAlerts }, fields);
  }
  await ctx.models.save(tx, target.serviceId, model, at);
  return merged;
}
