import { claimDueTimers, deleteTimers, lockIncidents, type TimerRow } from '../db';
import { lifecycle } from '../domain';
import { commitTransition } from '../incidents/commit';
import type { GroupingContext } from '../incidents/context';
import { stateOf } from '../incidents/state';

export interface TimerPoller {
  /** Fires every timer due at `now`, many per transaction; returns how many fired. */
  fireDue(now: Date): Promise<number>;
  stop(): Promise<void>;
}

const TIMEOUT_CHANNEL = { type: 'timeout' } as const;

/**
 * Claims up to `limit` due timers and applies them in one transaction: the incidents locked in id
 * order, each timer against the incident as the timers before it left it. Stale timers (the incident
 * moved on) are deleted and change nothing.
 */
async function fireBatch(ctx: GroupingContext, now: Date, limit: number): Promise<TimerRow[]> {
  return ctx.db.transaction(async (tx) => {
    const due = await claimDueTimers(tx, now, limit);
    if (due.length === 0) return due;
    await deleteTimers(tx, due);
    const rows = new Map((await lockIncidents(tx, [...new Set(due.map((t) => t.incidentId))])).map((r) => [r.id, r]));
    for (const timer of due) {
      const row = rows.get(timer.incidentId);
      if (!row) continue;
      const result = lifecycle.fireTimer(stateOf(row), timer.kind, timer.dueAt);
      if (!result.ok || result.changes.length === 0) continue;
      const cause = { actor: null, channel: TIMEOUT_CHANNEL };
      rows.set(row.id, await commitTransition(tx, ctx, row, result, cause, timer.dueAt));
      ctx.log.info({ incidentId: row.id, kind: timer.kind }, 'incident_timer_fired');
    }
    return due;
  });
}

/**
 * Polls the durable timers on the injected clock. Any replica may run one: rows are claimed with
 * SKIP LOCKED. `pollMs` 0 starts no polling (tests call fireDue themselves).
 */
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
  const limit = options.batch ?? 100;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function fireDue(now: Date): Promise<number> {
    let fired = 0;
    for (;;) {
      const batch = await fireBatch(ctx, now, limit);
      const at = ctx.clock.now().getTime();
      for (const t of batch) options.onFired?.(t.kind, at - t.dueAt.getTime());
      fired += batch.length;
      if (batch.length < limit) break;
    }
    if (fired > 0) ctx.published();
    return fired;
  }

  function tick() {
    if (stopped) return;
    running = fireDue(ctx.clock.now())
      .catch((err: unknown) => ctx.log.warn({ err }, 'timer_poll_failed'))
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
