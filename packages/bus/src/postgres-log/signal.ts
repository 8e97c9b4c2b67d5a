/**
 * A wake-up call for a loop that otherwise sleeps: `wait` returns at the next `notify` or after `ms`.
 * A notify with nobody waiting is remembered, so a wake-up between a check and the wait is not lost.
 */
export interface Signal {
  notify(): void;
  wait(ms: number): Promise<void>;
}

export function createSignal(): Signal {
  const waiters = new Set<() => void>();
  let pending = false;
  return {
    notify() {
      if (waiters.size === 0) {
        pending = true;
        return;
      }
      for (const wake of [...waiters]) wake();
    },
    wait(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(0, ms));
        waiters.add(wake);
      });
    },
  };
}
