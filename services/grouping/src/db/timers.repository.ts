import { type Executor, queryRows, sql } from '@klaxon/db';
import { and, eq } from 'drizzle-orm';
import type { lifecycle } from '../domain';
import { type TimerRow, timers } from './timers.table';

/** Arms (replacing any earlier one of the same kind) or cancels an incident's timers. */
export async function applyTimerCommands(
  ex: Executor,
  incidentId: string,
  commands: readonly lifecycle.TimerCommand[],
): Promise<void> {
  for (const command of commands) {
    if ('arm' in command) {
      await ex
        .insert(timers)
        .values({ incidentId, kind: command.kind, dueAt: command.arm })
        .onConflictDoUpdate({ target: [timers.incidentId, timers.kind], set: { dueAt: command.arm } });
    } else {
      await ex.delete(timers).where(and(eq(timers.incidentId, incidentId), eq(timers.kind, command.kind)));
    }
  }
}

/**
 * Claims up to `limit` due timers, earliest first, in the caller's transaction: locked rows (another
 * replica firing them) are skipped, so replicas never fire one timer twice. Deleted by the caller.
 */
export async function claimDueTimers(ex: Executor, now: Date, limit: number): Promise<TimerRow[]> {
  const rows = await queryRows<{ incident_id: string; kind: TimerRow['kind']; due_at: string | Date }>(
    ex,
    sql`select incident_id, kind, due_at from ${timers} where due_at <= ${now.toISOString()}
        order by due_at limit ${limit} for update skip locked`,
  );
  return rows.map((r) => ({ incidentId: r.incident_id, kind: r.kind, dueAt: new Date(r.due_at) }));
}

export async function deleteTimers(
  ex: Executor,
  claimed: readonly Pick<TimerRow, 'incidentId' | 'kind'>[],
): Promise<void> {
  if (claimed.length === 0) return;
  await ex.execute(sql`delete from ${timers} t using unnest(${sql.param(claimed.map((c) => c.incidentId))}::text[],
      ${sql.param(claimed.map((c) => c.kind))}::text[]) as d(incident_id, kind)
    where t.incident_id = d.incident_id and t.kind = d.kind`);
}
