import type { Clock } from '@klaxon/runtime';
import type { Logger } from 'pino';
import type { BucketCount, RateStore } from './rate-store';

export interface RateLimiterOptions {
  /** Events allowed per integration in any window of windowMs. */
  limit: number;
  windowMs: number;
  store: RateStore;
  clock: Clock;
  log: Logger;
  /** This replica's name in the store (its instance id). */
  replica: string;
  /** How often this replica shares its counts and learns the others'. */
  syncMs: number;
  /**
   * Events per integration this replica may accept before the others can know of them: at that
   * many unshared, the next event waits for a sync. N replicas exceed the limit by at most
   * (N - 1) x slack in any window; one replica never exceeds it.
   */
  slack: number;
}

export interface RateLimiter {
  /**
   * Counts one event if the integration is under its limit; false means refuse it. Answers at once
   * (the hot path) unless this replica has `slack` events of the integration unshared: then after a sync.
   */
  tryTake(integrationId: string): boolean | Promise<boolean>;
  /** Shares local counts and learns the other replicas'; runs every syncMs, callable from tests. */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Counts live in one-second buckets. A bucket counts for as long as any part of it is inside the
 * window, so the limit holds over every window (not only minute-aligned ones), and a full key is
 * refused at most one bucket longer than the exact window would.
 */
export const BUCKET_MS = 1_000;

interface Tracked {
  /** Events this replica accepted, by bucket start: known exactly, never read back. */
  own: Map<number, number>;
  /** The other replicas' counts as of the last sync, by bucket start. */
  others: Map<number, number>;
  /** Accepted here and not yet shared, by bucket start. */
  pending: Map<number, number>;
  /** Being shared by the sync in flight. */
  sending: Map<number, number>;
  /** Events in `pending` and `sending`: what the other replicas cannot know yet. */
  unshared: number;
  lastSeen: number;
}

const add = (map: Map<number, number>, bucket: number, n: number) => map.set(bucket, (map.get(bucket) ?? 0) + n);

const sumFrom = (map: Map<number, number>, since: number) => {
  let total = 0;
  for (const [bucket, n] of map) if (bucket >= since) total += n;
  return total;
};

/**
 * A sliding-window limit per integration, exact on one replica and within a stated slack across
 * replicas: each counts its own events in memory and shares them through the store every syncMs,
 * so an event waits for the store only when its integration is near the slack.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limit, windowMs, store, clock, log, replica, slack } = options;
  const tracked = new Map<string, Tracked>();
  let chain: Promise<void> = Promise.resolve();
  let next: Promise<void> | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;
  let stopped = false;

  const bucketOf = (ms: number) => ms - (ms % BUCKET_MS);
  /** The first bucket any part of which lies inside the window ending now. */
  const windowStart = (now: number) => bucketOf(now - windowMs);

  function track(integrationId: string, now: number): Tracked {
    let t = tracked.get(integrationId);
    if (!t) {
      t = { own: new Map(), others: new Map(), pending: new Map(), sending: new Map(), unshared: 0, lastSeen: now };
      tracked.set(integrationId, t);
    }
    t.lastSeen = now;
    return t;
  }

  function decide(t: Tracked, now: number): boolean {
    const since = windowStart(now);
    if (sumFrom(t.own, since) + sumFrom(t.others, since) >= limit) return false;
    const bucket = bucketOf(now);
    add(t.own, bucket, 1);
    add(t.pending, bucket, 1);
    t.unshared++;
    return true;
  }

  // While the store fails, limits hold per replica rather than every event waiting on it.
  const mustShare = (t: Tracked, now: number) => t.unshared >= slack && now - failedAt > options.syncMs;

  async function syncOnce(): Promise<void> {
    const now = clock.now().getTime();
    const since = windowStart(now);
    const deltas: BucketCount[] = [];
    const ids: string[] = [];
    for (const [integrationId, t] of tracked) {
      if (t.lastSeen < since && t.unshared === 0) {
        tracked.delete(integrationId);
        continue;
      }
      for (const map of [t.own, t.others]) for (const bucket of map.keys()) if (bucket < since) map.delete(bucket);
      ids.push(integrationId);
      for (const [bucketStart, count] of t.pending) deltas.push({ integrationId, bucketStart, count });
      t.sending = t.pending;
      t.pending = new Map();
    }
    if (ids.length === 0) return;
    let others: BucketCount[];
    try {
      others = await store.addAndReadOthers(replica, deltas, ids, since);
    } catch (err) {
      // Put the counts back so they are shared next time.
      for (const id of ids) {
        const t = tracked.get(id);
        if (!t) continue;
        for (const [bucket, n] of t.sending) add(t.pending, bucket, n);
        t.sending = new Map();
      }
      failedAt = clock.now().getTime();
      throw err;
    }
    for (const id of ids) {
      const t = tracked.get(id);
      if (!t) continue;
      let sent = 0;
      for (const n of t.sending.values()) sent += n;
      t.unshared -= sent;
      t.sending = new Map();
      t.others.clear();
    }
    for (const c of others) tracked.get(c.integrationId)?.others.set(c.bucketStart, c.count);
    if (Math.random() < 0.01) await store.prune(since);
  }

  /** Syncs run one after another; callers arriving while one is queued share it. */
  function requestSync(): Promise<void> {
    if (next) return next;
    const run = chain.then(() => {
      next = undefined;
      return syncOnce();
    });
    next = run;
    chain = run.catch((err: unknown) => log.warn({ err }, 'rate_limit_sync_failed'));
    return run;
  }

  async function takeAfterSharing(integrationId: string): Promise<boolean> {
    for (;;) {
      await requestSync().catch(() => undefined);
      const now = clock.now().getTime();
      const t = track(integrationId, now);
      if (!mustShare(t, now)) return decide(t, now);
    }
  }

  const timer = setInterval(() => void requestSync().catch(() => undefined), options.syncMs);
  timer.unref();

  return {
    tryTake(integrationId) {
      const now = clock.now().getTime();
      const t = track(integrationId, now);
      return mustShare(t, now) ? takeAfterSharing(integrationId) : decide(t, now);
    },
    sync: requestSync,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await chain;
    },
  };
}
