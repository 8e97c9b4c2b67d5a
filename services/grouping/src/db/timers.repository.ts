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
 * Claims the earliest due timer in the caller's transaction: locked rows (another replica firing
 * them) are skipped, so replicas never fire one timer twice. Deleted by the caller when applied.
 */
export async function claimDueTimer(ex: Executor, now: Date): Promise<TimerRow | undefined> {
  const rows = await queryRows<{ incident_id: string; kind: TimerRow['kind']; due_at: string | Date }>(
    ex,
    sql`select incident_id, kind, due_at from ${timers} where due_at <= ${now.toISOString()}
        order by due_at limit 1 for update skip locked`,
  );
  const row = rows[0];
  return row ? { incidentId: row.incident_id, kind: row.kind, dueAt: new Date(row.due_at) } : undefined;
}

export async function deleteTimer(ex: Executor, timer: Pick<TimerRow, 'incidentId' | 'kind'>): Promise<void> {
  await ex.delete(timers).where(and(eq(timers.incidentId, timer.incidentId), eq(timers.kind, timer.kind)));
}
