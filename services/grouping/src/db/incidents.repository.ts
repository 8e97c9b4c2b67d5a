import { type Executor, queryRows } from '@klaxon/db';
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

/** One service whose new alerts a batch groups, and for content-based policies what they hold. */
export interface CandidateRequest {
  serviceId: string;
  /** Content-based: the new alerts' values of `fields` (undefined = the alert lacks the field). */
  content?: {
    fields: readonly string[];
    aggregate: 'all' | 'any';
    values: readonly (readonly (string | undefined)[])[];
  };
}

/** How many candidates a service brings: time and intelligent look at the most recently grouped few. */
export const CANDIDATES_PER_SERVICE = 50;
/** Content-based matches are found in SQL, so a storm's hundreds of open incidents still find theirs. */
const CONTENT_CANDIDATES_PER_SERVICE = 1000;

/**
 * The ids of the open incidents (grouping window started) the batch's new alerts may join, most
 * recently grouped first per service, in one statement for all services. A content-based service
 * brings only incidents holding an alert equal to one of its new alerts on the fields (all or any of
 * them; a field missing on either side never matches).
 */
export async function groupingCandidateIds(ex: Executor, requests: readonly CandidateRequest[]): Promise<string[]> {
  const perService = requests.flatMap((r) => {
    if (!r.content) return [sql`(${incidents.serviceId} = ${r.serviceId})`];
    const match = contentMatch(r.content);
    return match
      ? [
          sql`(${incidents.serviceId} = ${r.serviceId} and exists (select 1 from ${alerts} where ${alerts.incidentId} = ${incidents.id} and (${match})))`,
        ]
      : [];
  });
  if (perService.length === 0) return [];
  const contentServices = requests.filter((r) => r.content).map((r) => r.serviceId);
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`select id from (
      select ${incidents.id} as id, ${incidents.serviceId} as service_id, row_number() over (
        partition by ${incidents.serviceId} order by ${incidents.windowLastGroupedAt} desc) as rn
      from ${incidents}
      where ${incidents.status} <> 'resolved' and ${incidents.windowStartedAt} is not null
        and (${sql.join(perService, sql` or `)})
    ) ranked
    where rn <= case when service_id = any(${sql.param(contentServices)}::text[])
      then ${CONTENT_CANDIDATES_PER_SERVICE}::int else ${CANDIDATES_PER_SERVICE}::int end`,
  );
  return rows.map((r) => r.id);
}

/** The SQL condition on an alert row: equal to one of the values on all (or any) of the fields. */
function contentMatch(content: NonNullable<CandidateRequest['content']>): SQL | undefined {
  const { fields, aggregate, values } = content;
  if (aggregate === 'any') {
    const perField = fields.flatMap((field, f) => {
      const wanted = [...new Set(values.flatMap((v) => (v[f] === undefined ? [] : [v[f]])))];
      return wanted.length > 0 ? [sql`${alertField(field)} = any(${sql.param(wanted)}::text[])`] : [];
    });
    return perField.length > 0 ? sql.join(perField, sql` or `) : undefined;
  }
  const complete = new Map<string, readonly string[]>();
  for (const v of values) {
    if (v.every((x) => x !== undefined)) complete.set(JSON.stringify(v), v as readonly string[]);
  }
  const tuples = [...complete.values()].map(
    (v) =>
      sql`(${sql.join(
        fields.map((field, f) => sql`${alertField(field)} = ${v[f]}`),
        sql` and `,
      )})`,
  );
  return tuples.length > 0 ? sql.join(tuples, sql` or `) : undefined;
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
