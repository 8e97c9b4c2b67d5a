import type { Logger } from 'pino';

export interface PollLoop {
  /** Runs a pass soon (work was just queued) instead of at the next poll. */
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `pollMs` on the injected clock, and again at once while it finds work; `wake`
 * brings the next pass forward. `pollMs` 0 starts nothing (tests run the passes themselves).
 */
export function startPollLoop(
  name: string,
  pass: (now: Date) => Promise<number>,
  options: { pollMs: number; now: () => Date; log: Pick<Logger, 'warn'> },
): PollLoop {
  let stopped = options.pollMs <= 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  function schedule(ms: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
  }
  function tick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass(options.now())
      .then((n) => {
        if (n > 0) again = true;
      })
      .catch((err: unknown) => options.log.warn({ err, loop: name }, 'poll_pass_failed'))
      .finally(() => {
        running = undefined;
        const soon = again;
        again = false;
        schedule(soon ? 0 : options.pollMs);
      });
  }
  schedule(options.pollMs);
  return {
    wake: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
