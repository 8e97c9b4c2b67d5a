import type { Clock } from '@klaxon/runtime';
import type { Logger } from 'pino';
import type { RateStore, WindowCount } from './rate-store';

export interface RateLimiterOptions {
  /** Events allowed per integration per window. */
  limit: number;
  windowMs: number;
  store: RateStore;
  clock: Clock;
  log: Logger;
  /** How often this replica shares its counts; bounds the overshoot across replicas. */
  syncMs: number;
}

export interface RateLimiter {
  /** Counts one event if the integration is under its limit; false means refuse it. Synchronous: hot path. */
  tryTake(integrationId: string): boolean;
  /** Shares local counts and learns the other replicas'; runs every syncMs, callable from tests. */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

interface Tracked {
  /** Totals of all replicas as of the last sync, by window start. */
  global: Map<number, number>;
  /** Events taken here and not yet shared, by window start. */
  pending: Map<number, number>;
  lastSeen: number;
}

/**
 * A sliding 60 s window approximated by two fixed windows (the previous one weighted by how much of
 * it still overlaps the sliding window), counted locally and shared through the store every syncMs,
 * so no request waits for the store.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limit, windowMs, store, clock, log } = options;
  const tracked = new Map<string, Tracked>();
  let syncing: Promise<void> = Promise.resolve();
  let stopped = false;

  const windowOf = (ms: number) => ms - (ms % windowMs);

  function estimate(t: Tracked, now: number): number {
    const current = windowOf(now);
    const previous = current - windowMs;
    const count = (w: number) => (t.global.get(w) ?? 0) + (t.pending.get(w) ?? 0);
    const overlap = 1 - (now - current) / windowMs;
    return count(previous) * overlap + count(current);
  }

  async function syncOnce(): Promise<void> {
    const now = clock.now().getTime();
    const since = windowOf(now) - windowMs;
    const deltas: WindowCount[] = [];
    const ids: string[] = [];
    for (const [integrationId, t] of tracked) {
      if (t.lastSeen < since - windowMs) {
        tracked.delete(integrationId);
        continue;
      }
      ids.push(integrationId);
      for (const [windowStart, count] of t.pending) deltas.push({ integrationId, windowStart, count });
    }
    if (ids.length === 0) return;
    // Sent counts leave `pending` now; events taken during the round trip stay pending for the next sync.
    for (const d of deltas) {
      const t = tracked.get(d.integrationId);
      const left = (t?.pending.get(d.windowStart) ?? 0) - d.count;
      if (left > 0) t?.pending.set(d.windowStart, left);
      else t?.pending.delete(d.windowStart);
    }
    let totals: WindowCount[];
    try {
      totals = await store.addAndRead(deltas, ids, since);
    } catch (err) {
      // Put the counts back so they are shared next time; meanwhile limits hold per replica.
      for (const d of deltas) {
        const t = tracked.get(d.integrationId);
        t?.pending.set(d.windowStart, (t.pending.get(d.windowStart) ?? 0) + d.count);
      }
      throw err;
    }
    for (const id of ids) tracked.get(id)?.global.clear();
    for (const total of totals) tracked.get(total.integrationId)?.global.set(total.windowStart, total.count);
    if (Math.random() < 0.01) await store.prune(since);
  }

  // Syncs run one after another; a failed one does not stop the next.
  function enqueueSync(): Promise<void> {
    const run = syncing.then(syncOnce);
    syncing = run.catch((err: unknown) => log.warn({ err }, 'rate_limit_sync_failed'));
    return run;
  }

  const timer = setInterval(enqueueSync, options.syncMs);
  timer.unref();

  return {
    tryTake(integrationId) {
      const now = clock.now().getTime();
      let t = tracked.get(integrationId);
      if (!t) {
        t = { global: new Map(), pending: new Map(), lastSeen: now };
        tracked.set(integrationId, t);
      }
      t.lastSeen = now;
      if (estimate(t, now) >= limit) return false;
      const w = windowOf(now);
      t.pending.set(w, (t.pending.get(w) ?? 0) + 1);
      return true;
    },
    sync: enqueueSync,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await syncing;
    },
  };
}
