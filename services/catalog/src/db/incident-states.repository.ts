import { type Executor, insertMany } from '@klaxon/db';
import { and, count, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import { type IncidentStateRow, incidentStates } from './incident-states.table';
import { maintenanceWindowServices } from './maintenance-window-services.table';
import { maintenanceWindows } from './maintenance-windows.table';

/**
 * Keeps the latest state of many incidents, in one statement. Idempotent: a message whose (version, occurred_at) is not above the stored one (a
 * replay, a duplicate) changes nothing. Only the opening message names the integration; later ones
 * keep it. Returns how many incidents changed.
 */
export async function recordIncidentStates(ex: Executor, states: readonly IncidentStateRow[]): Promise<number> {
  // One row per incident (its latest), as one insert may not touch a row twice.
  const latest = new Map<string, IncidentStateRow>();
  for (const s of states) {
    const seen = latest.get(s.incidentId);
    const newer =
      !seen ||
      s.version > seen.version ||
      (s.version === seen.version && s.occurredAt.getTime() > seen.occurredAt.getTime());
    if (newer) {
      latest.set(s.incidentId, { ...s, integrationId: s.integrationId ?? seen?.integrationId ?? null });
    }
  }
  if (latest.size === 0) return 0;
  const changed = await insertMany<typeof incidentStates, { incident_id: string }>(
    ex,
    incidentStates,
    [...latest.values()],
    {
      onConflict: sql`(incident_id) do update set service_id = excluded.service_id,
        integration_id = coalesce(excluded.integration_id, incident_states.integration_id),
        status = excluded.status, version = excluded.version, occurred_at = excluded.occurred_at
        where (excluded.version, excluded.occurred_at) > (incident_states.version, incident_states.occurred_at)`,
      returning: sql`incident_id`,
    },
  );
  return changed.length;
}

/**
 * An integration's open incidents, counted from the read model when asked (moving an integration).
 * Kept as a counter on the integration instead, every incidents.changed batch had to lock the
 * integrations it touched, and parallel partitions queued on those locks in an alert storm.
 */
export async function countOpenIncidents(ex: Executor, integrationId: string): Promise<number> {
  const [row] = await ex
    .select({ n: count() })
    .from(incidentStates)
    .where(and(eq(incidentStates.integrationId, integrationId), ne(incidentStates.status, 'resolved')));
  return row?.n ?? 0;
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
