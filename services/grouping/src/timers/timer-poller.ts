import { claimDueTimer, deleteTimer, findIncident, type TimerRow } from '../db';
import { lifecycle } from '../domain';
import { commitTransition } from '../incidents/commit';
import type { GroupingContext } from '../incidents/context';
import { stateOf } from '../incidents/state';

export interface TimerPoller {
  /** Fires every timer due at `now`, each in its own transaction; returns how many fired. */
  fireDue(now: Date): Promise<number>;
  stop(): Promise<void>;
}

const TIMEOUT_CHANNEL = { type: 'timeout' } as const;

/** Applies one claimed timer: stale timers (the incident moved on) are deleted and change nothing. */
async function fireOne(ctx: GroupingContext, now: Date): Promise<TimerRow | undefined> {
  return ctx.db.transaction(async (tx) => {
    const timer = await claimDueTimer(tx, now);
    if (!timer) return undefined;
    await deleteTimer(tx, timer);
    const row = await findIncident(tx, timer.incidentId, true);
    if (!row) return timer;
    const result = lifecycle.fireTimer(stateOf(row), timer.kind, timer.dueAt);
    if (result.ok && result.changes.length > 0) {
      await commitTransition(tx, ctx, row, result, { actor: null, channel: TIMEOUT_CHANNEL }, timer.dueAt);
      ctx.log.info({ incidentId: row.id, kind: timer.kind }, 'incident_timer_fired');
    }
    return timer;
  });
}

/**
 * Polls the durable timers on the injected clock. Any replica may run one: rows are claimed with
 * SKIP LOCKED. `pollMs` 0 starts no polling (tests call fireDue themselves).
 */
export function startTimerPoller(ctx: GroupingContext, options: { pollMs: number; batch?: number }): TimerPoller {
  const batch = options.batch ?? 100;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function fireDue(now: Date): Promise<number> {
    let fired = 0;
    while (fired < batch && (await fireOne(ctx, now))) fired++;
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
