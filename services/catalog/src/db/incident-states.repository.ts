import type { Executor } from '@klaxon/db';
import { and, count, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import { type IncidentStateRow, incidentStates } from './incident-states.table';
import { integrations } from './integrations.table';
import { maintenanceWindowServices } from './maintenance-window-services.table';
import { maintenanceWindows } from './maintenance-windows.table';

/**
 * Keeps the latest state of one incident and the open-incident count of its integration, in one
 * transaction. Idempotent: a message whose (version, occurred_at) is not above the stored one (a
 * replay, a duplicate) changes nothing. Only the opening message names the integration; later ones
 * keep it. Returns whether the state changed.
 */
export async function recordIncidentState(ex: Executor, state: IncidentStateRow): Promise<boolean> {
  return ex.transaction(async (tx) => {
    const changed = await tx
      .insert(incidentStates)
      .values(state)
      .onConflictDoUpdate({
        target: incidentStates.incidentId,
        set: {
          serviceId: sql`excluded.service_id`,
          integrationId: sql`coalesce(excluded.integration_id, incident_states.integration_id)`,
          status: sql`excluded.status`,
          version: sql`excluded.version`,
          occurredAt: sql`excluded.occurred_at`,
        },
        setWhere: sql`(excluded.version, excluded.occurred_at) > (incident_states.version, incident_states.occurred_at)`,
      })
      .returning({ integrationId: incidentStates.integrationId });
    const integrationId = changed[0]?.integrationId;
    if (integrationId) {
      // Two incidents of one integration change in parallel (the topic is keyed by incident): the row
      // lock makes the second recount wait, and its count statement then sees the first one's state.
      await tx
        .select({ id: integrations.id })
        .from(integrations)
        .where(eq(integrations.id, integrationId))
        .for('update');
      await countOpenIncidents(tx, integrationId);
    }
    return changed.length > 0;
  });
}

/** Recounts an integration's open incidents from the read model (a count, so replays never drift it). */
async function countOpenIncidents(ex: Executor, integrationId: string): Promise<void> {
  const open = ex
    .select({ n: count() })
    .from(incidentStates)
    .where(and(eq(incidentStates.integrationId, integrationId), ne(incidentStates.status, 'resolved')));
  await ex
    .update(integrations)
    .set({ openIncidents: sql`(${open})` })
    .where(eq(integrations.id, integrationId));
}

/** What a service's `status` depends on besides its own setting, for each of these services. */
export interface ServiceActivity {
  triggered: boolean;
  acknowledged: boolean;
  inMaintenance: boolean;
}

/** Open incidents (from the read model) and maintenance windows ongoing at `now`, per service. */
export async function serviceActivity(
  ex: Executor,
  serviceIds: readonly string[],
  now: Date,
): Promise<Map<string, ServiceActivity>> {
  const activity = new Map<string, ServiceActivity>();
  if (serviceIds.length === 0) return activity;
  const ids = [...new Set(serviceIds)];
  // One after the other: `ex` may be a transaction, which runs one statement at a time.
  const open = await ex
    .select({ serviceId: incidentStates.serviceId, status: incidentStates.status })
    .from(incidentStates)
    .where(and(inArray(incidentStates.serviceId, ids), ne(incidentStates.status, 'resolved')))
    .groupBy(incidentStates.serviceId, incidentStates.status);
  const windows = await ex
    .select({ serviceId: maintenanceWindowServices.serviceId })
    .from(maintenanceWindowServices)
    .innerJoin(maintenanceWindows, eq(maintenanceWindows.id, maintenanceWindowServices.windowId))
    .where(
      and(
        inArray(maintenanceWindowServices.serviceId, ids),
        lte(maintenanceWindows.startTime, now),
        gt(maintenanceWindows.endTime, now),
      ),
    )
    .groupBy(maintenanceWindowServices.serviceId);
  const of = (id: string) => {
    let a = activity.get(id);
    if (!a) {
      a = { triggered: false, acknowledged: false, inMaintenance: false };
      activity.set(id, a);
    }
    return a;
  };
  for (const row of open) {
    if (row.status === 'triggered') of(row.serviceId).triggered = true;
    if (row.status === 'acknowledged') of(row.serviceId).acknowledged = true;
  }
  for (const row of windows) of(row.serviceId).inMaintenance = true;
  return activity;
}
