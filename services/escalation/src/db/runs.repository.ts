import { type Executor, insertMany, queryRows, sql } from '@klaxon/db';
import { asc, inArray } from 'drizzle-orm';
import { type RunRow, runs } from './runs.table';

/** Locks the runs of these incidents (in id order, so two batches never deadlock). */
export async function lockRuns(ex: Executor, incidentIds: readonly string[]): Promise<RunRow[]> {
  if (incidentIds.length === 0) return [];
  return ex
    .select()
    .from(runs)
    .where(inArray(runs.incidentId, [...new Set(incidentIds)]))
    .orderBy(asc(runs.incidentId))
    .for('update');
}

/**
 * Claims up to `limit` runs whose timer is due at `now`, in the caller's transaction. Rows another
 * replica holds (firing them, or a consumer acknowledging their incident) are skipped.
 */
export function claimDueRuns(ex: Executor, now: Date, limit: number): Promise<RunRow[]> {
  return ex
    .select()
    .from(runs)
    .where(sql`${runs.dueAt} <= ${now.toISOString()}::timestamptz`)
    .orderBy(asc(runs.dueAt))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Writes many runs in one statement (new or changed), each replacing the stored one. */
export async function saveRuns(ex: Executor, rows: readonly RunRow[]): Promise<void> {
  await insertMany(ex, runs, rows, {
    onConflict: sql`(incident_id) do update set policy = excluded.policy, level = excluded.level, cycle = excluded.cycle, assignee_ids = excluded.assignee_ids,
      active = excluded.active, due_at = excluded.due_at, updated_at = excluded.updated_at`,
  });
}

/** When the next run's timer falls due after `now` (the poller sleeps until then). */
export async function nextRunDueAt(ex: Executor, now: Date): Promise<Date | undefined> {
  const [row] = await queryRows<{ due_at: Date | null }>(
    ex,
    sql`select min(due_at) due_at from ${runs} where due_at > ${now.toISOString()}::timestamptz`,
  );
  return row?.due_at ? new Date(row.due_at) : undefined;
}
