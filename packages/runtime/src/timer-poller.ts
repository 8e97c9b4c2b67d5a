import type { Logger } from 'pino';
import type { Clock } from './clock';

export interface DueTimerPoller {
  /**
   * Fires every timer due at `now`, a batch per transaction, until a batch comes back short, telling
   * the relay after each; how many fired.
   */
  fireDue(now: Date): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The loop every service's durable timers share: every `pollMs` on the injected clock, claim and fire
 * batches of due timers (`fireBatch`, one transaction each, rows claimed with SKIP LOCKED so any
 * replica may run it) until a batch is short, telling the relay (`published`) after each. `pollMs` 0 starts no
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
  /**
   * When the next timer falls due after `now`, if any. Given, the loop sleeps until then when that
   * is sooner than `pollMs`, so a timer fires about when it is due instead of up to `pollMs` late.
   * Timers due already but held by another replica are not counted: they wait for the next poll.
   */
  nextDueAt?(now: Date): Promise<Date | undefined>;
}): DueTimerPoller {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function fireDue(now: Date): Promise<number> {
    let fired = 0;
    for (;;) {
      const n = await options.fireBatch(now, options.batch);
      fired += n;
      // Each committed batch goes out at once, not after a backlog's last batch.
      if (n > 0) options.published();
      if (n < options.batch) break;
    }
    return fired;
  }

  /** How long to sleep: until the next due timer, at most `pollMs`. */
  async function pause(): Promise<number> {
    if (!options.nextDueAt) return options.pollMs;
    const now = options.clock.now();
    const next = await options.nextDueAt(now);
    return next ? Math.max(0, Math.min(options.pollMs, next.getTime() - now.getTime())) : options.pollMs;
  }

  function tick() {
    if (!stopped) schedule(fireDue(options.clock.now()).then(pause));
  }
  function schedule(wait: Promise<number>) {
    running = wait
      .catch((err: unknown) => {
        options.log.warn({ err }, options.failure);
        return options.pollMs;
      })
      .then((ms) => {
        if (!stopped) timer = setTimeout(tick, ms);
      });
  }
  if (options.pollMs > 0) schedule(pause());

  return {
    fireDue,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
