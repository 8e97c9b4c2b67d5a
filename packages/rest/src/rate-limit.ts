/** The outcome of counting one request against a key's budget; the numbers feed the ratelimit-* headers. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window restarts. */
  resetSeconds: number;
}

export interface RateLimiter {
  take(key: string, nowMs: number): RateDecision;
}

export interface RateLimiterOptions {
  /** Requests per window per key; PagerDuty allows 960 per minute per API key. */
  limit?: number;
  windowMs?: number;
}

/**
 * A fixed-window counter per key, held in this process's memory: with N replicas behind a load
 * balancer a token gets up to N times the budget. Good enough to protect one process; a shared
 * limiter (Postgres or Redis) can replace it behind the same interface.
 */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const limit = options.limit ?? 960;
  const windowMs = options.windowMs ?? 60_000;
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;

  // Forget keys whose window ended, at most once per window, so idle tokens do not pile up.
  function sweep(nowMs: number): void {
    if (nowMs - lastSweep < windowMs) return;
    lastSweep = nowMs;
    for (const [key, w] of windows) if (nowMs - w.start >= windowMs) windows.delete(key);
  }

  return {
    take(key, nowMs) {
      sweep(nowMs);
      let w = windows.get(key);
      if (!w || nowMs - w.start >= windowMs) {
        w = { start: nowMs, count: 0 };
        windows.set(key, w);
      }
      const allowed = w.count < limit;
      if (allowed) w.count++;
      return {
        allowed,
        limit,
        remaining: Math.max(0, limit - w.count),
        resetSeconds: Math.max(1, Math.ceil((w.start + windowMs - nowMs) / 1000)),
      };
    },
  };
}
