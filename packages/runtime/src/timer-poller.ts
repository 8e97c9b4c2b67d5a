import type { Logger } from 'pino';
import type { Clock } from './clock';

export interface DueTimerPoller {
  /** Fires every timer due at `now`, a batch per transaction, until a batch comes back short; how many fired. */
  fireDue(now: Date): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The loop every service's durable timers share: every `pollMs` on the injected clock, claim and fire
 * batches of due timers (`fireBatch`, one transaction each, rows claimed with SKIP LOCKED so any
 * replica may run it) until a batch is short, then tell the relay (`published`). `pollMs` 0 starts no
 * polling: tests call fireDue themselves.
 */
export function startDueTimerPoller(options: {
  clock: Clock;
  log: Pick<Logger, 'warn'>;
  pollMs: number;
  batch: number;
  /** Fires at most `limit` timers due at `now`; returns how many it claimed. */
  fireBatch(now: Date, limit: number): Promise<number>;
  published(): void;
  /** The log message when a poll fails (it is retried at the next poll). */
  failure: string;
}): DueTimerPoller {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function fireDue(now: Date): Promise<number> {
    let fired = 0;
    for (;;) {
      const n = await options.fireBatch(now, options.batch);
      fired += n;
      if (n < options.batch) break;
    }
    if (fired > 0) options.published();
    return fired;
  }

  function tick() {
    if (stopped) return;
    running = fireDue(options.clock.now())
      .catch((err: unknown) => options.log.warn({ err }, options.failure))
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
