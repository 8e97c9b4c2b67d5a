import { enqueueOutbox } from '@klaxon/db';
import { type DueTimerPoller, startDueTimerPoller } from '@klaxon/runtime';
import { claimDueRuns, nextRunDueAt, outbox, saveRuns } from '../db';
import { decideTimer } from '../domain/incident-change';
import type { EscalationContext } from './context';
import { commandMessage, runRowOf, runStateOf } from './messages';
import { loadReach } from './reach';

export type EscalationTimers = DueTimerPoller;

/**
 * Claims up to `batch` due runs with SKIP LOCKED and moves each to its next level (or loop, or the
 * end) in one transaction: the runs' new levels and timers and the commands for grouping commit
 * together, so a crash fires nothing twice and loses nothing, and replicas share the due rows.
 */
async function fireBatch(
  ctx: EscalationContext,
  now: Date,
  batch: number,
  onFired?: (lateMs: number) => void,
): Promise<number> {
  const fired = await ctx.db.transaction(async (tx) => {
    const due = await claimDueRuns(tx, now, batch);
    if (due.length === 0) return [];
    const reach = (
      await loadReach(
        tx,
        due.map((r) => r.policy),
        [now],
        ctx.log,
      )
    )(now);
    const rows = [];
    const messages = [];
    for (const row of due) {
      const decision = decideTimer(runStateOf(row), now, reach);
      rows.push(runRowOf(row.incidentId, decision.run, now));
      messages.push(commandMessage(row.incidentId, row.policy.id, decision.command, now));
      ctx.log.info(
        { incidentId: row.incidentId, from: row.level, to: decision.command.level, kind: decision.command.kind },
        'escalation_timer_fired',
      );
    }
    await saveRuns(tx, rows);
    await enqueueOutbox(tx, outbox, messages);
    return due.map((r) => r.dueAt?.getTime() ?? now.getTime());
  });
  // After the commit: a timer counts as fired once its command is queued.
  const at = ctx.clock.now().getTime();
  for (const dueAt of fired) onFired?.(at - dueAt);
  return fired.length;
}

/**
 * Polls escalation's durable timers on the injected clock; any replica may run one. `pollMs` 0
 * starts no polling (tests call fireDue themselves).
 */
export function startEscalationTimers(
  ctx: EscalationContext,
  options: { pollMs: number; batch?: number; onFired?: (lateMs: number) => void },
): EscalationTimers {
  return startDueTimerPoller({
    clock: ctx.clock,
    log: ctx.log,
    pollMs: options.pollMs,
    batch: options.batch ?? 200,
    fireBatch: (now, limit) => fireBatch(ctx, now, limit, options.onFired),
    published: ctx.published,
    failure: 'escalation_timer_poll_failed',
    // A level's delay ends at its minute, not up to a poll later (bench:escalation measures it).
    nextDueAt: (now) => nextRunDueAt(ctx.db, now),
  });
}
