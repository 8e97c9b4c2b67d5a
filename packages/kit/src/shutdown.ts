import type { Logger } from 'pino';

export type Closer = () => Promise<void>;

export interface ShutdownOptions {
  /** Past this the process exits 1 with whatever is still open; below Kubernetes' 30 s grace period. */
  timeoutMs?: number;
}

/**
 * Runs the closers one after another, in the order given (app.close() first, so no new requests
 * arrive while consumers drain, then the database). A failing closer is logged and the next one
 * still runs, so one stuck dependency cannot keep the others open. Resolves to the exit code.
 */
export async function runShutdown(
  log: Pick<Logger, 'info' | 'error'>,
  closers: Closer[],
  { timeoutMs = 25_000 }: ShutdownOptions = {},
): Promise<0 | 1> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const sequence = (async (): Promise<0 | 1> => {
    let code: 0 | 1 = 0;
    for (const [step, close] of closers.entries()) {
      try {
        await close();
      } catch (err) {
        log.error({ err, step }, 'shutdown_step_failed');
        code = 1;
      }
    }
    return code;
  })();
  try {
    const outcome = await Promise.race([sequence, timedOut]);
    if (outcome === 'timeout') log.error({ timeoutMs }, 'shutdown_timed_out');
    const code = outcome === 'timeout' ? 1 : outcome;
    log.info({ durationMs: Date.now() - started, exitCode: code }, 'shutdown_finished');
    return code;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wires SIGTERM and SIGINT to one shutdown run, then exits with its code. A second signal while
 * shutting down exits 1 at once (a second Ctrl-C). Returns a function that removes the listeners.
 */
export function onShutdown(
  log: Pick<Logger, 'info' | 'error' | 'warn'>,
  closers: Closer[],
  options: ShutdownOptions & { exit?: (code: number) => void } = {},
): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (running) {
      log.warn({ signal }, 'shutdown_forced');
      exit(1);
      return;
    }
    running = true;
    log.info({ signal }, 'shutdown_started');
    void runShutdown(log, closers, options).then(exit);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
