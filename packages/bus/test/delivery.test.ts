import { pino } from 'pino';
import type { DeadLetterInfo } from '../src/dead-letter';
import { attemptCount, type DeliveryContext, deliver } from '../src/delivery';
import type { BusMessage, Outcome } from '../src/port';

// The one delivery loop both adapters run, on a fake partition: what is retried, how long, and what
// is set aside.

const message: BusMessage = {
  topic: 'events.accepted',
  partition: 0,
  offset: '7',
  key: 'PSVC001',
  value: new Uint8Array(),
  headers: {},
  timestamp: new Date(0),
};

const terminated = () => new Error('Connection terminated unexpectedly');
const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01', severity: 'ERROR' });
const bug = () => new TypeError("Cannot read properties of undefined (reading 'id')");

/** A context whose handler follows `script` (then answers ok), recording pauses and dead letters. */
function fakePartition(script: (() => Outcome | Error)[], maxAttempts = 3) {
  const pauses: number[] = [];
  const dead: DeadLetterInfo[] = [];
  let calls = 0;
  const ctx: DeliveryContext = {
    group: 'grouping.events',
    handler: async () => {
      const step = script[calls++];
      const result = step ? step() : 'ok';
      if (result instanceof Error) throw result;
      return result;
    },
    maxAttempts,
    backoff: (attempt) => Math.min(5_000, 200 * 2 ** (attempt - 1)),
    deadLetter: async (_m, info) => {
      dead.push(info);
    },
    pause: async (ms) => {
      pauses.push(ms);
      return true;
    },
    aborted: new Promise(() => undefined),
    log: pino({ level: 'silent' }),
  };
  return { ctx, pauses, dead, calls: () => calls };
}

describe('deliver', () => {
  it('retries transient failures far past maxAttempts, with a capped backoff, and never dead-letters them', async () => {
    const p = fakePartition([...Array.from({ length: 50 }, () => terminated), deadlock, deadlock]);
    expect(await deliver(p.ctx, message, attemptCount(7))).toBe(true);
    expect(p.calls()).toBe(53);
    expect(p.dead).toEqual([]);
    expect(p.pauses.slice(0, 6)).toEqual([200, 400, 800, 1_600, 3_200, 5_000]);
    expect(Math.max(...p.pauses)).toBe(5_000);
  });

  it('dead-letters a permanent failure after maxAttempts, with the error', async () => {
    const p = fakePartition([bug, bug, bug, bug]);
    expect(await deliver(p.ctx, message, attemptCount(7))).toBe(true);
    expect(p.calls()).toBe(3);
    expect(p.dead).toEqual([
      { group: 'grouping.events', reason: 'max_attempts', attempts: 3, error: expect.any(TypeError) },
    ]);
  });

  it('counts only permanent failures towards maxAttempts when both come', async () => {
    const p = fakePartition([bug, terminated, terminated, terminated, bug, terminated, bug]);
    expect(await deliver(p.ctx, message, attemptCount(7))).toBe(true);
    expect(p.dead).toEqual([expect.objectContaining({ reason: 'max_attempts', attempts: 7 })]);
  });

  it('sets a message that keeps throwing a permanent error aside after three quick attempts, whatever maxAttempts says', async () => {
    const p = fakePartition(
      Array.from({ length: 20 }, () => bug),
      10,
    );
    expect(await deliver(p.ctx, message, attemptCount(7))).toBe(true);
    expect(p.calls()).toBe(3);
    // The first, short delay each time: no doubling towards the 26 s a retried answer may take.
    expect(p.pauses).toEqual([200, 200]);
    expect(p.dead).toEqual([expect.objectContaining({ reason: 'max_attempts', attempts: 3 })]);
  });

  it('still retries a retry answer up to maxAttempts with a doubling backoff', async () => {
    const retry = (): Outcome => 'retry';
    const p = fakePartition(
      Array.from({ length: 4 }, () => retry),
      10,
    );
    expect(await deliver(p.ctx, message, attemptCount(7))).toBe(true);
    expect(p.calls()).toBe(5);
    expect(p.pauses).toEqual([200, 400, 800, 1_600]);
    expect(p.dead).toEqual([]);
  });

  it('counts a retry answer (no error to judge) towards maxAttempts', async () => {
    const retry = (): Outcome => 'retry';
    const p = fakePartition([retry, retry, retry]);
    expect(await deliver(p.ctx, message, attemptCount(7))).toBe(true);
    expect(p.dead).toEqual([expect.objectContaining({ reason: 'max_attempts', attempts: 3 })]);
  });

  it('sets a rejected message aside at once: no retry, no backoff', async () => {
    const p = fakePartition([() => 'dead-letter']);
    expect(await deliver(p.ctx, message, attemptCount(7))).toBe(true);
    expect(p.calls()).toBe(1);
    expect(p.pauses).toEqual([]);
    expect(p.dead).toEqual([{ group: 'grouping.events', reason: 'rejected', attempts: 1 }]);
  });

  it('stops retrying a transient failure when the worker stops, leaving the message unsettled', async () => {
    const p = fakePartition(Array.from({ length: 1_000 }, () => terminated));
    let pauses = 0;
    p.ctx.pause = async () => ++pauses < 5;
    expect(await deliver(p.ctx, message, attemptCount(7))).toBe(false);
    expect(p.calls()).toBe(5);
    expect(p.dead).toEqual([]);
  });
});
