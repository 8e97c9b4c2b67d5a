import type { Executor } from '@klaxon/db';
import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { AlertContent } from '../domain';
import { type AlertRow, alerts } from './alerts.table';

/** The open alerts under many (integration, key) pairs, locked: a batch's dedup lookup in one query. */
export async function findOpenAlerts(
  ex: Executor,
  keys: readonly { integrationId: string; alertKey: string }[],
): Promise<AlertRow[]> {
  if (keys.length === 0) return [];
  return ex
    .select()
    .from(alerts)
    .where(
      and(
        eq(alerts.status, 'triggered'),
        sql`(${alerts.integrationId}, ${alerts.alertKey}) in (select * from unnest(${sql.param(
          keys.map((k) => k.integrationId),
        )}::text[], ${sql.param(keys.map((k) => k.alertKey))}::text[]))`,
      ),
    )
    .for('update');
}

export function alertsOfIncidents(ex: Executor, incidentIds: readonly string[], perIncident = 50): Promise<AlertRow[]> {
  if (incidentIds.length === 0) return Promise.resolve([]);
  // The most recent `perIncident` of each incident are enough for every grouping strategy.
  return ex
    .select()
    .from(alerts)
    .where(
      and(
        inArray(alerts.incidentId, [...incidentIds]),
        sql`${alerts.id} in (select id from (select id, row_number() over (partition by incident_id order by created_at desc) rn
          from ${alerts} where ${inArray(alerts.incidentId, [...incidentIds])}) ranked where rn <= ${perIncident})`,
      ),
    )
    .orderBy(asc(alerts.createdAt), asc(alerts.id));
}

/** Alerts the service received since `since`, oldest first (the model's co-occurrence and recommended window). */
export function recentServiceAlerts(ex: Executor, serviceId: string, since: Date, limit = 50): Promise<AlertRow[]> {
  return ex
    .select()
    .from(alerts)
    .where(and(eq(alerts.serviceId, serviceId), sql`${alerts.createdAt} >= ${since.toISOString()}`))
    .orderBy(desc(alerts.createdAt))
    .limit(limit)
    .then((rows) => rows.reverse());
}

export async function countOpenAlerts(ex: Executor, incidentId: string): Promise<number> {
  const [row] = await ex
    .select({ n: sql<number>`count(*)::int` })
    .from(alerts)
    .where(and(eq(alerts.incidentId, incidentId), eq(alerts.status, 'triggered')));
  return row?.n ?? 0;
}

/** What grouping and the model read of a stored alert. */
export function contentOf(row: AlertRow): AlertContent {
  return {
    summary: row.summary,
    source: row.source,
    severity: row.severity,
    ...(row.component ? { component: row.component } : {}),
    ...(row.group ? { group: row.group } : {}),
    ...(row.class ? { class: row.class } : {}),
    ...(row.customDetails ? { customDetails: row.customDetails } : {}),
  };
}

/**
 * The integration's alerts recorded under another service than `serviceId`, locked (alerts before
 * incidents, the order event handling locks them in): what moving the integration moves.
 */
export function lockIntegrationAlertsOutside(ex: Executor, integrationId: string, serviceId: string) {
  return ex
    .select({ id: alerts.id, incidentId: alerts.incidentId, serviceId: alerts.serviceId })
    .from(alerts)
    .where(and(eq(alerts.integrationId, integrationId), ne(alerts.serviceId, serviceId)))
    .for('update');
}
