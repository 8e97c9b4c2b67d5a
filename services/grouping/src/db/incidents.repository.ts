import type { Executor } from '@klaxon/db';
import { and, asc, desc, eq, inArray, ne, or, type SQL, sql } from 'drizzle-orm';
import { alerts } from './alerts.table';
import { type IncidentRow, incidents } from './incidents.table';

/** An incident by id or by its number (GET /incidents/{id} accepts both), locked when `forUpdate`. */
export async function findIncident(
  ex: Executor,
  idOrNumber: string,
  forUpdate = false,
): Promise<IncidentRow | undefined> {
  const byNumber = /^\d{1,15}$/.test(idOrNumber);
  const where = byNumber ? eq(incidents.number, Number(idOrNumber)) : eq(incidents.id, idOrNumber);
  const query = ex.select().from(incidents).where(where);
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

/** Locks several incidents in id order, so two merges never deadlock each other. */
export async function lockIncidents(ex: Executor, ids: readonly string[]): Promise<IncidentRow[]> {
  if (ids.length === 0) return [];
  return ex
    .select()
    .from(incidents)
    .where(inArray(incidents.id, [...ids]))
    .orderBy(asc(incidents.id))
    .for('update');
}

/** Of these incidents, the ids of those holding no alert of another integration than `integrationId`. */
export async function incidentsOnlyFrom(
  ex: Executor,
  ids: readonly string[],
  integrationId: string,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await ex
    .select({ id: incidents.id })
    .from(incidents)
    .where(
      and(
        inArray(incidents.id, [...ids]),
        sql`not exists (select 1 from ${alerts} where ${alerts.incidentId} = ${incidents.id} and ${alerts.integrationId} <> ${integrationId})`,
      ),
    );
  return rows.map((r) => r.id);
}

/** The service's open incidents that accept grouped alerts: grouping's candidates. */
/** Open incidents of a service that alerts may still join (a grouping window started), most recently grouped first. */
function joinableIncidents(ex: Executor, serviceId: string, also?: SQL): Promise<IncidentRow[]> {
  return ex
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.serviceId, serviceId),
        ne(incidents.status, 'resolved'),
        sql`${incidents.windowStartedAt} is not null`,
        also,
      ),
    )
    .orderBy(desc(incidents.windowLastGroupedAt))
    .limit(50);
}

export function openGroupingIncidents(ex: Executor, serviceId: string): Promise<IncidentRow[]> {
  return joinableIncidents(ex, serviceId);
}

/** A grouping field and the value a new alert has in it (absent fields never match). */
export interface FieldMatch {
  field: string;
  value: string;
}

/**
 * The open incidents holding an alert equal to a new one on the content-grouping fields (all or any
 * of them), most recently grouped first. The match runs in SQL, so a storm with hundreds of open
 * incidents still finds the one that matches, not only the latest few.
 */
export function openIncidentsMatching(
  ex: Executor,
  serviceId: string,
  matches: readonly FieldMatch[],
  aggregate: 'all' | 'any',
): Promise<IncidentRow[]> {
  const conditions = matches.map(({ field, value }) => sql`${alertField(field)} = ${value}`);
  const joined = sql.join(conditions, aggregate === 'all' ? sql` and ` : sql` or `);
  return joinableIncidents(
    ex,
    serviceId,
    sql`exists (select 1 from ${alerts} where ${alerts.incidentId} = ${incidents.id} and (${joined}))`,
  );
}

/** The SQL for an alert's grouping field: a column, or a path into custom_details as text. */
function alertField(field: string) {
  const custom = 'custom_details.';
  if (field.startsWith(custom))
    return sql`(${alerts.customDetails} #>> ${`{${field.slice(custom.length).split('.').join(',')}}`})`;
  const columns = {
    summary: alerts.summary,
    source: alerts.source,
    severity: alerts.severity,
    component: alerts.component,
    group: alerts.group,
    class: alerts.class,
  } as const;
  const column = columns[field as keyof typeof columns];
  if (!column) throw new Error(`not a grouping field: ${field}`);
  return sql`${column}`;
}

export interface IncidentFilter {
  statuses: string[];
  urgencies: string[];
  serviceIds: string[] | null;
  userIds: string[];
  incidentKey?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
}

export type IncidentSort = { field: 'incident_number' | 'created_at' | 'resolved_at' | 'urgency'; desc: boolean }[];

function conditions(f: IncidentFilter): SQL[] {
  const where: SQL[] = [];
  if (f.statuses.length > 0) where.push(inArray(incidents.status, f.statuses as IncidentRow['status'][]));
  if (f.urgencies.length > 0) where.push(inArray(incidents.urgency, f.urgencies as IncidentRow['urgency'][]));
  if (f.serviceIds) where.push(f.serviceIds.length > 0 ? inArray(incidents.serviceId, f.serviceIds) : sql`false`);
  if (f.userIds.length > 0) {
    // PagerDuty: user_ids[] matches only open incidents (resolved ones have no assignments).
    const anyUser = or(
      ...f.userIds.map((id) => sql`${incidents.assignments} @> ${JSON.stringify([{ userId: id }])}::jsonb`),
    );
    if (anyUser) where.push(anyUser, ne(incidents.status, 'resolved'));
  }
  if (f.incidentKey !== undefined) {
    const key = f.incidentKey;
    const byKey = or(
      eq(incidents.incidentKey, key),
      sql`exists (select 1 from ${alerts} where ${alerts.incidentId} = ${incidents.id} and ${alerts.alertKey} = ${key})`,
    );
    if (byKey) where.push(byKey);
  }
  if (f.since) where.push(sql`${incidents.createdAt} >= ${f.since.toISOString()}`);
  if (f.until) where.push(sql`${incidents.createdAt} < ${f.until.toISOString()}`);
  return where;
}

const SORT_COLUMNS = {
  incident_number: incidents.number,
  created_at: incidents.createdAt,
  resolved_at: incidents.resolvedAt,
  urgency: incidents.urgency,
} as const;

export function listIncidents(
  ex: Executor,
  f: IncidentFilter,
  sort: IncidentSort,
  limit: number,
  offset: number,
): Promise<IncidentRow[]> {
  const order = sort.map((s) => (s.desc ? desc(SORT_COLUMNS[s.field]) : asc(SORT_COLUMNS[s.field])));
  return ex
    .select()
    .from(incidents)
    .where(and(...conditions(f)))
    .orderBy(...order, asc(incidents.number))
    .limit(limit)
    .offset(offset);
}

export async function countIncidents(ex: Executor, f: IncidentFilter): Promise<number> {
  const [row] = await ex
    .select({ n: sql<number>`count(*)::int` })
    .from(incidents)
    .where(and(...conditions(f)));
  return row?.n ?? 0;
}
