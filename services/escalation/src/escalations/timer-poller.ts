import { enqueueOutbox } from '@klaxon/db';
import { claimDueRuns, outbox, saveRuns } from '../db';
import { decideTimer } from '../domain/incident-change';
import type { EscalationContext } from './context';
import { commandMessage, runRowOf, runStateOf } from './messages';
import { loadReach } from './reach';

export interface EscalationTimers {
  /** Fires every escalation timer due at `now`, in batches of one transaction each; returns how many. */
  fireDue(now: Date): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Claims up to `batch` due runs with SKIP LOCKED and moves each to its next level (or loop, or the
 * end) in one transaction: the runs' new levels and timers and the commands for grouping commit
 * together, so a crash fires nothing twice and loses nothing, and replicas share the due rows.
 */
async function fireBatch(ctx: EscalationContext, now: Date, batch: number): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const due = await claimDueRuns(tx, now, batch);
    if (due.length === 0) return 0;
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
    return due.length;
  });
}

/**
 * Polls escalation's durable timers on the injected clock; any replica may run one. `pollMs` 0
 * starts no polling (tests call fireDue themselves).
 */
export function startEscalationTimers(
  ctx: EscalationContext,
  options: { pollMs: number; batch?: number },
): EscalationTimers {
  const batch = options.batch ?? 200;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function fireDue(now: Date): Promise<number> {
    let fired = 0;
    for (;;) {
      const n = await fireBatch(ctx, now, batch);
      fired += n;
      if (n < batch) break;
    }
    if (fired > 0) ctx.published();
    return fired;
  }

  function tick() {
    if (stopped) return;
    running = fireDue(ctx.clock.now())
      .catch((err: unknown) => ctx.log.warn({ err }, 'escalation_timer_poll_failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.pollMs);
      });
  }
  if (options.pollMs > 0) timer = setTimeout(tick, options.pollMs);

  return {
    fireDue,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
