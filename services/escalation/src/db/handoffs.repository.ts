import { type Executor, insertMany, queryRows, sql } from '@klaxon/db';
import type { PlannedHandoff } from '../domain/handoffs';
import { type HandoffTimerRow, handoffPlan, handoffTimers } from './handoffs.table';
import { catalogReplica } from './tables';

const PLAN = 'handoffs';

/** The catalog entity types a handoff plan is made of. */
export const HANDOFF_INPUTS = [
  'escalation_policy',
  'schedule',
  'schedule_override',
  'oncall_handoff_notification_rule',
] as const;

/** Changes whenever an entity a plan reads changes, is added or goes (versions only grow). */
export async function replicaFingerprint(ex: Executor): Promise<string> {
  const [row] = await queryRows<{ n: string; v: string }>(
    ex,
    sql`select count(*)::text n, coalesce(sum(version), 0)::text v from ${catalogReplica}
        where entity_type = any(${sql.param([...HANDOFF_INPUTS])}::text[])`,
  );
  return `${row?.n ?? 0}/${row?.v ?? 0}`;
}

/** The current plan, locked for the caller's transaction (created empty the first time). */
export async function lockPlan(ex: Executor): Promise<{ fingerprint: string; plannedUntil: Date }> {
  await ex
    .insert(handoffPlan)
    .values({ name: PLAN, fingerprint: '', plannedUntil: new Date(0) })
    .onConflictDoNothing();
  const [row] = await queryRows<{ fingerprint: string; planned_until: Date }>(
    ex,
    sql`select fingerprint, planned_until from ${handoffPlan} where name = ${PLAN} for update`,
  );
  return { fingerprint: row?.fingerprint ?? '', plannedUntil: new Date(row?.planned_until ?? 0) };
}

export async function readPlan(ex: Executor): Promise<{ fingerprint: string; plannedUntil: Date } | undefined> {
  const [row] = await queryRows<{ fingerprint: string; planned_until: Date }>(
    ex,
    sql`select fingerprint, planned_until from ${handoffPlan} where name = ${PLAN}`,
  );
  return row && { fingerprint: row.fingerprint, plannedUntil: new Date(row.planned_until) };
}

export async function savePlan(ex: Executor, fingerprint: string, plannedUntil: Date): Promise<void> {
  await ex.update(handoffPlan).set({ fingerprint, plannedUntil }).where(sql`${handoffPlan.name} = ${PLAN}`);
}

/**
 * Makes the pending timers due after `from` exactly `planned`: others are deleted, new ones added,
 * changed ones updated; fired ones are never touched (nothing is sent twice). Timers fired more than
 * `keepFiredMs` ago are forgotten.
 */
export async function replaceHandoffs(
  ex: Executor,
  planned: readonly PlannedHandoff[],
  from: Date,
  keepFiredMs: number,
): Promise<void> {
  await ex.execute(
    sql`delete from ${handoffTimers}
        where (fired_at is null and due_at > ${from.toISOString()}::timestamptz
               and key <> all(${sql.param(planned.map((p) => p.key))}::text[]))
           or fired_at < ${new Date(from.getTime() - keepFiredMs).toISOString()}::timestamptz`,
  );
  await insertMany(
    ex,
    handoffTimers,
    planned.map((p) => ({ ...p, firedAt: null })),
    {
      onConflict: sql`(key) do update set user_id = excluded.user_id, contact_method_id = excluded.contact_method_id,
        shift_start = excluded.shift_start, shift_end = excluded.shift_end, due_at = excluded.due_at
        where ${handoffTimers.firedAt} is null`,
    },
  );
}

/** Claims up to `limit` due, unfired handoffs; rows another replica holds are skipped. */
export async function claimDueHandoffs(ex: Executor, now: Date, limit: number): Promise<HandoffTimerRow[]> {
  return ex
    .select()
    .from(handoffTimers)
    .where(sql`${handoffTimers.firedAt} is null and ${handoffTimers.dueAt} <= ${now.toISOString()}::timestamptz`)
    .orderBy(handoffTimers.dueAt)
    .limit(limit)
    .for('update', { skipLocked: true });
}

export async function markFired(ex: Executor, keys: readonly string[], at: Date): Promise<void> {
  await ex.execute(
    sql`update ${handoffTimers} set fired_at = ${at.toISOString()}::timestamptz
        where key = any(${sql.param([...keys])}::text[])`,
  );
}
