import { silentLog } from '@klaxon/testing';
import { createRateLimiter } from '../src/rate-limit/rate-limiter';
import type { RateStore, WindowCount } from '../src/rate-limit/rate-store';

/** A shared store kept in memory, as several replicas would see PostgreSQL. */
function memoryStore(): RateStore {
  const counts = new Map<string, WindowCount>();
  return {
    async addAndRead(deltas, ids, since) {
      for (const d of deltas) {
        const k = `${d.integrationId}/${d.windowStart}`;
        const held = counts.get(k);
        counts.set(k, { ...d, count: (held?.count ?? 0) + d.count });
      }
      return [...counts.values()].filter((c) => ids.includes(c.integrationId) && c.windowStart >= since);
    },
    async prune() {},
  };
}

function fakeClock(start: string) {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const limiterWith = (store: RateStore, clock: ReturnType<typeof fakeClock>, limit = 120) =>
  createRateLimiter({ limit, windowMs: 60_000, store, clock, log: silentLog, syncMs: 60_000 });

describe('rate limiter', () => {
  it('takes up to the limit per integration, then refuses', async () => {
    const clock = fakeClock('2026-11-26T12:00:00Z');
    const limiter = limiterWith(memoryStore(), clock);
    const taken = Array.from({ length: 130 }, () => limiter.tryTake('PINT001')).filter(Boolean).length;
    expect(taken).toBe(120);
    expect(limiter.tryTake('PINT002')).toBe(true);
    await limiter.stop();
  });

  it('slides: the previous window counts in proportion to its overlap', async () => {
    const clock = fakeClock('2026-11-26T12:00:00Z');
    const limiter = limiterWith(memoryStore(), clock);
    for (let i = 0; i < 120; i++) limiter.tryTake('PINT001');
    clock.advance(60_000 + 30_000); // half-way through the next window: 120 * 0.5 = 60 still count
    const taken = Array.from({ length: 100 }, () => limiter.tryTake('PINT001')).filter(Boolean).length;
    expect(taken).toBe(60);
    clock.advance(60_000 * 2); // two windows later nothing old counts
    expect(Array.from({ length: 130 }, () => limiter.tryTake('PINT001')).filter(Boolean).length).toBe(120);
    await limiter.stop();
  });

  it('holds the limit across replicas once they have shared their counts', async () => {
    const clock = fakeClock('2026-11-26T12:00:10Z');
    const store = memoryStore();
    const a = limiterWith(store, clock);
    const b = limiterWith(store, clock);
    for (let i = 0; i < 80; i++) expect(a.tryTake('PINT001')).toBe(true);
    await a.sync();
    await b.sync();
    // b has never seen this integration before its sync: it learns a's 80 only for integrations it tracks.
    b.tryTake('PINT001');
    await b.sync();
    const takenByB = Array.from({ length: 100 }, () => b.tryTake('PINT001')).filter(Boolean).length;
    expect(takenByB).toBe(39);
    await b.sync();
    await a.sync();
    expect(a.tryTake('PINT001')).toBe(false);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('keeps its counts when the store fails, and shares them on the next sync', async () => {
    const clock = fakeClock('2026-11-26T12:00:00Z');
    const store = memoryStore();
    let failing = true;
    const flaky: RateStore = {
      addAndRead: (...args) => (failing ? Promise.reject(new Error('db down')) : store.addAndRead(...args)),
      prune: store.prune,
    };
    const limiter = limiterWith(flaky, clock);
    for (let i = 0; i < 50; i++) limiter.tryTake('PINT001');
    await expect(limiter.sync()).rejects.toThrow('db down');
    failing = false;
    await limiter.sync();
    const seen = await store.addAndRead([], ['PINT001'], 0);
    expect(seen.map((c) => c.count)).toEqual([50]);
    await limiter.stop();
  });
});
