import { type Executor, queryRows, replicaEntities, replicaEntity, sql } from '@klaxon/db';
import type { LayerJson, OverrideJson } from '@klaxon/schedules';
import { catalogReplica } from './tables';

/** A reference as catalog snapshots carry it. */
export interface RefSnapshot {
  id: string;
  type: string;
  summary?: string;
  self?: string | null;
  html_url?: string | null;
}

/** The catalog's `schedule` snapshot: PagerDuty's Schedule as the catalog's REST view renders it. */
export interface ScheduleSnapshot {
  id: string;
  name?: string;
  summary?: string;
  description?: string;
  time_zone: string;
  schedule_layers: (LayerJson & { id: string; name: string })[];
  [key: string]: unknown;
}

export interface UserSnapshot {
  id: string;
  name?: string;
  email?: string;
  role?: string;
  summary?: string;
  [key: string]: unknown;
}

export interface EscalationRuleSnapshot {
  id?: string;
  escalation_delay_in_minutes?: number;
  targets: RefSnapshot[];
}

export interface EscalationPolicySnapshot {
  id: string;
  name?: string;
  summary?: string;
  escalation_rules: EscalationRuleSnapshot[];
  teams?: RefSnapshot[];
  [key: string]: unknown;
}

/** The catalog's `schedule_override` snapshot: PagerDuty's Override plus its schedule and creation time. */
export interface OverrideSnapshot extends OverrideJson {
  id: string;
  schedule: { id: string };
  created_at?: string;
}

type Snapshot = Record<string, unknown>;

/** The live (not deleted) snapshot of one entity in the replica. */
export const findEntity = <T>(ex: Executor, entityType: string, id: string) =>
  replicaEntity<T>(ex, catalogReplica, entityType, id);

/** Live snapshots of many entities of one type, by id. */
export const findEntities = <T>(ex: Executor, entityType: string, ids: readonly string[]) =>
  replicaEntities<T>(ex, catalogReplica, entityType, ids);

/** Every live entity of one type, ordered by id (the on-call view reads all policies). */
export async function allEntities<T>(ex: Executor, entityType: string): Promise<T[]> {
  const rows = await queryRows<{ snapshot: Snapshot }>(
    ex,
    sql`select snapshot from ${catalogReplica} where entity_type = ${entityType} and not deleted order by entity_id`,
  );
  return rows.map((r) => r.snapshot as T);
}

/**
 * The overrides of these schedules that overlap [since, until), oldest first: where two overlap the
 * newer wins, so their order matters. Catalog snapshots carry `created_at`; the replica's change
 * time orders any that do not.
 */
export async function overridesOf(
  ex: Executor,
  scheduleIds: readonly string[],
  since: Date,
  until: Date,
): Promise<Map<string, OverrideSnapshot[]>> {
  const out = new Map<string, OverrideSnapshot[]>(scheduleIds.map((id) => [id, []]));
  if (scheduleIds.length === 0) return out;
  const rows = await queryRows<{ snapshot: OverrideSnapshot }>(
    ex,
    sql`select snapshot from ${catalogReplica}
        where entity_type = 'schedule_override' and not deleted
          and snapshot -> 'schedule' ->> 'id' = any(${sql.param([...scheduleIds])}::text[])
          and (snapshot ->> 'start')::timestamptz < ${until.toISOString()}::timestamptz
          and (snapshot ->> 'end')::timestamptz > ${since.toISOString()}::timestamptz
        order by snapshot ->> 'created_at' nulls last, changed_at, entity_id`,
  );
  for (const { snapshot } of rows) out.get(snapshot.schedule.id)?.push(snapshot);
  return out;
}

/** Escalation policies whose rules target this schedule, by name. */
export async function policiesTargeting(ex: Executor, scheduleId: string): Promise<EscalationPolicySnapshot[]> {
  const rows = await queryRows<{ snapshot: EscalationPolicySnapshot }>(
    ex,
    sql`select snapshot from ${catalogReplica} r
        where entity_type = 'escalation_policy' and not deleted and exists (
          select 1 from jsonb_array_elements(coalesce(r.snapshot -> 'escalation_rules', '[]'::jsonb)) rule,
                        jsonb_array_elements(coalesce(rule -> 'targets', '[]'::jsonb)) target
          where target ->> 'id' = ${scheduleId} and target ->> 'type' in ('schedule', 'schedule_reference'))
        order by snapshot ->> 'name', entity_id`,
  );
  return rows.map((r) => r.snapshot);
}

export const findSchedule = (ex: Executor, id: string) => findEntity<ScheduleSnapshot>(ex, 'schedule', id);
