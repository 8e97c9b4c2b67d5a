import { silentLog } from '@klaxon/testing';
import { createRateLimiter, type RateLimiter } from '../src/rate-limit/rate-limiter';
import type { BucketCount, RateStore } from '../src/rate-limit/rate-store';

/** A shared store kept in memory, as several replicas would see PostgreSQL. */
function memoryStore(): RateStore & { total(integrationId: string): number } {
  const rows = new Map<string, { replica: string } & BucketCount>();
  return {
    async addAndReadOthers(replica, deltas, ids, since) {
      for (const d of deltas) {
        const k = `${d.integrationId}/${d.bucketStart}/${replica}`;
        rows.set(k, { ...d, replica, count: (rows.get(k)?.count ?? 0) + d.count });
      }
      const others = new Map<string, BucketCount>();
      for (const r of rows.values()) {
        if (r.replica === replica || !ids.includes(r.integrationId) || r.bucketStart < since) continue;
        const k = `${r.integrationId}/${r.bucketStart}`;
        const held = others.get(k);
        others.set(k, {
          integrationId: r.integrationId,
          bucketStart: r.bucketStart,
          count: (held?.count ?? 0) + r.count,
        });
      }
      return [...others.values()];
    },
    async prune() {},
    total: (id) => [...rows.values()].filter((r) => r.integrationId === id).reduce((n, r) => n + r.count, 0),
  };
}

function fakeClock(start: string) {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance: (ms: number) => (now += ms),
    at: (iso: string) => (now = Date.parse(iso)),
  };
}

let replicas = 0;
const limiterWith = (store: RateStore, clock: ReturnType<typeof fakeClock>, limit = 120, slack = 1_000) =>
  createRateLimiter({
    limit,
    windowMs: 60_000,
    store,
    clock,
    log: silentLog,
    replica: `replica-${++replicas}`,
    syncMs: 60_000,
    slack,
  });

const take = async (limiter: RateLimiter, id: string) => await limiter.tryTake(id);
const takeMany = async (limiter: RateLimiter, id: string, n: number) => {
  let taken = 0;
  for (let i = 0; i < n; i++) if (await take(limiter, id)) taken++;
  return taken;
};

/** The most events accepted in any 60 s window (each window ending at an accepted event). */
function busiestWindow(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  sorted.forEach((t, i) => {
    while ((sorted[first] as number) <= t - 60_000) first++;
    most = Math.max(most, i - first + 1);
  });
  return most;
}

describe('rate limiter', () => {
  it('takes up to the limit per integration, then refuses', async () => {
    const clock = fakeClock('2026-11-26T12:00:00Z');
    const limiter = limiterWith(memoryStore(), clock);
    expect(await takeMany(limiter, 'PINT001', 130)).toBe(120);
    expect(await take(limiter, 'PINT002')).toBe(true);
    await limiter.stop();
  });

  it('holds 120 in any 60 s window, not per minute: a full burst at :59 blocks until it leaves the window', async () => {
    const clock = fakeClock('2026-11-26T12:00:59.500Z');
    const limiter = limiterWith(memoryStore(), clock);
    expect(await takeMany(limiter, 'PINT001', 120)).toBe(120);
    // Minute-aligned windows (or two of them weighted) let 60 more through here; the burst is 30 s old.
    clock.at('2026-11-26T12:01:30Z');
    expect(await takeMany(limiter, 'PINT001', 100)).toBe(0);
    clock.at('2026-11-26T12:01:59.400Z');
    expect(await take(limiter, 'PINT001')).toBe(false);
    // Once the burst's second has left the window, the whole budget is back.
    clock.at('2026-11-26T12:02:00.001Z');
    expect(await takeMany(limiter, 'PINT001', 130)).toBe(120);
    await limiter.stop();
  });

  it('never passes 120 in any window for a sender going flat out for five minutes (issue 14 item 12)', async () => {
    const clock = fakeClock('2026-11-26T12:00:00Z');
    const limiter = limiterWith(memoryStore(), clock);
    const accepted: number[] = [];
    for (let i = 0; i < 3_000; i++) {
      clock.advance(100);
      if (await take(limiter, 'PINT001')) accepted.push(clock.now().getTime());
    }
    expect(busiestWindow(accepted)).toBeLessThanOrEqual(120);
    // Not much stricter than PagerDuty either: about 120 a minute get through.
    expect(accepted.length).toBeGreaterThanOrEqual(5 * 115);
  });

  it('waits for a sync once `slack` events are unshared, so other replicas learn of them first', async () => {
    const clock = fakeClock('2026-11-26T12:00:10Z');
    const store = memoryStore();
    const limiter = limiterWith(store, clock, 120, 3);
    expect([limiter.tryTake('PINT001'), limiter.tryTake('PINT001'), limiter.tryTake('PINT001')]).toEqual([
      true,
      true,
      true,
    ]);
    expect(store.total('PINT001')).toBe(0);
    const fourth = limiter.tryTake('PINT001');
    expect(fourth).toBeInstanceOf(Promise);
    expect(await fourth).toBe(true);
    expect(store.total('PINT001')).toBe(3);
    await limiter.stop();
  });

  it('holds the limit within (replicas - 1) x slack across three replicas taking in any order', async () => {
    const clock = fakeClock('2026-11-26T12:00:00Z');
    const store = memoryStore();
    const slack = 4;
    const group = [0, 1, 2].map(() => limiterWith(store, clock, 120, slack));
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const accepted: number[] = [];
    for (let i = 0; i < 4_000; i++) {
      clock.advance(Math.floor(random() * 150));
      const limiter = group[Math.floor(random() * group.length)] as RateLimiter;
      if (random() < 0.05) await limiter.sync();
      if (await take(limiter, 'PINT001')) accepted.push(clock.now().getTime());
    }
    expect(busiestWindow(accepted)).toBeLessThanOrEqual(120 + (group.length - 1) * slack);
    expect(accepted.length).toBeGreaterThan(4 * 110);
    await Promise.all(group.map((l) => l.stop()));
  });

  it('keeps its counts when the store fails, holds the limit alone meanwhile, and shares them later', async () => {
    const clock = fakeClock('2026-11-26T12:00:00Z');
    const store = memoryStore();
    let failing = true;
    const flaky: RateStore = {
      addAndReadOthers: (...args) => (failing ? Promise.reject(new Error('db down')) : store.addAndReadOthers(...args)),
      prune: store.prune,
    };
    const limiter = limiterWith(flaky, clock, 120, 10);
    // The 11th waits for a sync that fails; it is decided locally instead of waiting for the store.
    expect(await takeMany(limiter, 'PINT001', 50)).toBe(50);
    expect(await takeMany(limiter, 'PINT001', 100)).toBe(70);
    failing = false;
    await limiter.sync();
    expect(store.total('PINT001')).toBe(120);
    await limiter.stop();
  });
});
