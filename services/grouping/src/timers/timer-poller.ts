import { type DueTimerPoller, startDueTimerPoller } from '@klaxon/runtime';
import { claimDueTimers, deleteTimers, lockIncidents, type TimerRow } from '../db';
import { lifecycle } from '../domain';
import { createTransitionBatch } from '../incidents/commit';
import type { GroupingContext } from '../incidents/context';
import { stateOf } from '../incidents/state';

export type TimerPoller = DueTimerPoller;

const TIMEOUT_CHANNEL = { type: 'timeout' } as const;

/**
 * Claims up to `limit` due timers and applies them in one transaction: the incidents locked in id
 * order, each timer against the incident as the timers before it left it, all written set-based and
 * their incidents.changed rendered and queued together. Stale timers (the incident moved on) are deleted and change nothing.
 */
async function fireBatch(ctx: GroupingContext, now: Date, limit: number): Promise<TimerRow[]> {
  return ctx.db.transaction(async (tx) => {
    const due = await claimDueTimers(tx, now, limit);
    if (due.length === 0) return due;
    await deleteTimers(tx, due);
    const rows = new Map((await lockIncidents(tx, [...new Set(due.map((t) => t.incidentId))])).map((r) => [r.id, r]));
    const batch = createTransitionBatch(tx, ctx);
    for (const timer of due) {
      const row = rows.get(timer.incidentId);
      if (!row) continue;
      const result = lifecycle.fireTimer(stateOf(row), timer.kind, timer.dueAt);
      if (!result.ok || result.changes.length === 0) continue;
      const cause = { actor: null, channel: TIMEOUT_CHANNEL };
      rows.set(row.id, batch.apply(row, result, cause, timer.dueAt));
      ctx.log.info({ incidentId: row.id, kind: timer.kind }, 'incident_timer_fired');
    }
    await batch.publish();
    return due;
  });
}

/** Polls grouping's durable timers (acknowledgement timeout, auto-resolve, snooze). */
export function startTimerPoller(
  ctx: GroupingContext,
  options: {
    pollMs: number;
    /** Timers claimed per transaction (default 100). */
    batch?: number;
    /** Called for each fired timer with how late it fired (metrics). */
    onFired?: (kind: TimerRow['kind'], lateMs: number) => void;
  },
): TimerPoller {
  return startDueTimerPoller({
    clock: ctx.clock,
    log: ctx.log,
    pollMs: options.pollMs,
    batch: options.batch ?? 100,
    fireBatch: async (now, limit) => {
      const fired = await fireBatch(ctx, now, limit);
      const at = ctx.clock.now().getTime();
      for (const t of fired) options.onFired?.(t.kind, at - t.dueAt.getTime());
      return fired.length;
    },
    published: ctx.published,
    failure: 'timer_poll_failed',
  });
}
