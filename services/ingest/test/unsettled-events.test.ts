import { createUnsettledEvents, eventFingerprint } from '../src/domain/unsettled-events';

// What ingest remembers of events answered 503, so that a client's retry becomes the same event.

const identity = (id: string) => ({ id, dedupKey: `k-${id}`, receivedAt: new Date(0) });

describe('unsettled events', () => {
  it('recalls an attempt within the window, and forgets it after the window or when told', () => {
    let now = 0;
    const memory = createUnsettledEvents({ windowMs: 1_000, maxEntries: 10, now: () => new Date(now) });
    expect(memory.empty).toBe(true);
    memory.remember('a', identity('1'));
    memory.remember('b', identity('2'));
    expect(memory.recall('a')).toEqual(identity('1'));
    memory.forget('a');
    expect(memory.recall('a')).toBeUndefined();
    now = 1_001;
    expect(memory.recall('b')).toBeUndefined();
    expect(memory.empty).toBe(true);
  });

  it('keeps at most maxEntries, dropping the oldest first', () => {
    const memory = createUnsettledEvents({ windowMs: 60_000, maxEntries: 2, now: () => new Date(0) });
    for (const id of ['1', '2', '3']) memory.remember(id, identity(id));
    expect(['1', '2', '3'].map((f) => memory.recall(f)?.id)).toEqual([undefined, '2', '3']);
  });

  it('tells requests apart by endpoint, integration and bytes', () => {
    const body = Buffer.from('{"a":1}');
    const base = eventFingerprint('/v2/enqueue', 'PINT1', body);
    expect(eventFingerprint('/v2/enqueue', 'PINT1', Buffer.from('{"a":1}'))).toBe(base);
    expect(eventFingerprint('/v2/change/enqueue', 'PINT1', body)).not.toBe(base);
    expect(eventFingerprint('/v2/enqueue', 'PINT2', body)).not.toBe(base);
    expect(eventFingerprint('/v2/enqueue', 'PINT1', Buffer.from('{"a":2}'))).not.toBe(base);
  });
});
