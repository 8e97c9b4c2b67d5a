import { waitFor } from '@klaxon/testing';
import { createUnsettledEvents, type EventIdentity } from '../src/domain/unsettled-events';
import type { SharedUnsettled, UnsettledStore } from '../src/unsettled/pg-unsettled-store';
import { createSharedUnsettledEvents } from '../src/unsettled/shared-unsettled-events';

// How replicas share what they answered 503, with a table whose writes the test can hold back (the
// real table, ingest.unsettled_events, is exercised by events.int.test.ts).

const identity = (id: string): EventIdentity => ({ id, dedupKey: `k-${id}`, receivedAt: new Date(0) });

function tableWithSlowSettles() {
  const rows = new Map<string, SharedUnsettled>();
  let reads = 0;
  const store: UnsettledStore = {
    async save(fingerprint, id, expiresAt) {
      rows.set(fingerprint, { fingerprint, identity: id, expiresAt, settled: false });
    },
    // A settle that has not reached the table yet (a busy database).
    settle: () => new Promise<void>(() => undefined),
    async changes() {
      reads++;
      return { at: new Date(), rows: [...rows.values()] };
    },
    async prune() {},
  };
  return { store, reads: () => reads };
}

describe('unsettled events shared by replicas', () => {
  const replica = (store: UnsettledStore) =>
    createSharedUnsettledEvents({
      memory: createUnsettledEvents({ windowMs: 60_000, maxEntries: 10, now: () => new Date() }),
      store,
      windowMs: 60_000,
      syncMs: 20,
      now: () => new Date(),
      log: { warn: () => undefined },
    });

  it("gives another replica the 503'd event, and forgets it once its retry is accepted, whatever a late sync reads", async () => {
    const table = tableWithSlowSettles();
    const a = replica(table.store);
    const b = replica(table.store);
    try {
      await a.remember('f', identity('1'));
      await waitFor(() => b.recall('f')?.id === '1', { what: 'B to learn the event' });
      // B accepts the retry; its settle is still on its way while B's syncs read the old row.
      b.forget('f');
      const readsAtForget = table.reads();
      await waitFor(() => table.reads() >= readsAtForget + 3, { what: 'syncs after the forget' });
      expect(b.recall('f')).toBeUndefined();
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
