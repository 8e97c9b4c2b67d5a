import type { CatalogChange } from '@klaxon/contracts';
import type { Executor } from '@klaxon/db';
import { applyCatalogChange } from '@klaxon/runtime';
import { and, eq, ne, sql } from 'drizzle-orm';
import {
  alerts,
  catalogReplica,
  findIntegration,
  incidents,
  incidentsOnlyFrom,
  lockIncidents,
  lockIntegrationAlertsOutside,
} from '../db';
import { publishChange } from './commit';
import type { GroupingContext } from './context';

/**
 * Stores one catalog change in the replica and, for an integration, lets its alerts and incidents
 * follow it to the service it belongs to now: one transaction, so a move is never half applied.
 */
export async function replicateCatalogChange(ctx: GroupingContext, change: CatalogChange): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await applyCatalogChange(tx, catalogReplica, change);
    if (change.entityType === 'integration' && !change.deleted) {
      await followIntegration(tx, ctx, change.entityId, ctx.clock.now());
    }
  });
}

/**
 * An integration moved to another service takes its incidents along (the catalog's move: "the key
 * stays the same; its incidents follow"). It reads the replica's snapshot, not the message's: the
 * replica keeps the newest version, so a replayed or older snapshot finds the alerts already under
 * the service the replica holds, and changes nothing. Returns the ids of the incidents it moved.
 *
 * Alerts: every alert of the integration moves to the new service (dedup keys on the integration,
 * so open alerts keep deduplicating the events that now arrive for the new service).
 * Incidents: only those whose every alert comes from this integration follow it, open or resolved.
 * An incident that also holds alerts of other integrations (grouped or merged with them on the old
 * service) stays where it is: those alerts still belong to the old service and its responders.
 * A moved incident keeps its escalation policy, assignees and timers; incidents.changed carries it
 * with no change kind (it was neither triggered, acknowledged nor reassigned) and the new service
 * in `service_id` and the snapshot.
 */
export async function followIntegration(
  tx: Executor,
  ctx: Pick<GroupingContext, 'urls' | 'log'>,
  integrationId: string,
  at: Date,
): Promise<string[]> {
  const serviceId = (await findIntegration(tx, integrationId))?.service?.id;
  if (!serviceId) return [];
  const moving = await lockIntegrationAlertsOutside(tx, integrationId, serviceId);
  if (moving.length === 0) return [];
  // The service each incident's alerts were recorded under: an incident elsewhere (an alert moved
  // into another service's incident by hand) is not this integration's to take along.
  const recordedUnder = new Map(moving.flatMap((a) => (a.incidentId ? [[a.incidentId, a.serviceId] as const] : [])));
  const followers = await incidentsOnlyFrom(tx, [...recordedUnder.keys()], integrationId);
  await tx
    .update(alerts)
    .set({ serviceId })
    .where(and(eq(alerts.integrationId, integrationId), ne(alerts.serviceId, serviceId)));
  const moved: string[] = [];
  for (const row of await lockIncidents(tx, followers)) {
    if (row.serviceId !== recordedUnder.get(row.id)) continue;
    const [updated] = await tx
      .update(incidents)
      .set({ serviceId, version: sql`${incidents.version} + 1`, updatedAt: at })
      .where(eq(incidents.id, row.id))
      .returning();
    if (!updated) continue;
    await publishChange(tx, ctx, updated, [], at);
    moved.push(row.id);
  }
  ctx.log.info({ integrationId, serviceId, alerts: moving.length, incidents: moved.length }, 'integration_followed');
  return moved;
}
