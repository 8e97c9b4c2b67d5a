import type { Logger } from 'pino';
import type { EventIdentity, UnsettledEvents } from '../domain/unsettled-events';
import type { UnsettledStore } from './pg-unsettled-store';

/** Rows changed this long before the last read are read again: a write's clock is its transaction's start. */
const SYNC_OVERLAP_MS = 5_000;
/** A 503 waits at most this long for its event to be shared (the database may be away too). */
const SAVE_TIMEOUT_MS = 1_000;
const PRUNE_EVERY_MS = 60_000;

export interface SharedUnsettledEvents extends UnsettledEvents {
  /** Remembers here and in the shared table; resolves once other replicas' syncs have had time to read it. */
  remember(fingerprint: string, identity: EventIdentity): Promise<void>;
  stop(): Promise<void>;
}

const within = <T>(ms: number, work: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

/**
 * One replica's memory of 503'd events (`memory`), shared with every other ingest replica through
 * the database, so a client's retry is the same event on whichever replica it lands. The hot path
 * stays in memory: a request reads only this replica's map (nothing while it is empty), and each
 * replica reads what the others remembered every `syncMs`. Only a failed append writes, and its
 * 503 waits two syncs after the write, so by the time the client can retry every replica whose
 * sync runs on time knows the event. Without the database (away too), it stays per replica.
 */
export function createSharedUnsettledEvents(options: {
  memory: UnsettledEvents;
  store: UnsettledStore;
  windowMs: number;
  syncMs: number;
  now: () => Date;
  log: Pick<Logger, 'warn'>;
}): SharedUnsettledEvents {
  const { memory, store, log } = options;
  // Events whose retry this replica accepted, by fingerprint: a sync reading their row from before
  // the settle reached the table (the overlap re-reads it) must not bring them back, or the client
  // sending the same request again on purpose would get the old event instead of a new one.
  const settledHere = new Map<string, { eventId: string; until: number }>();
  let since: Date | undefined;
  let lastPrune = 0;
  let syncing: Promise<void> | undefined;
  let stopped = false;

  const sync = async () => {
    const { at, rows } = await store.changes(since);
    since = new Date(at.getTime() - SYNC_OVERLAP_MS);
    for (const [fingerprint, { until }] of settledHere) if (until <= at.getTime()) settledHere.delete(fingerprint);
    for (const row of rows) {
      const stale = settledHere.get(row.fingerprint)?.eventId === row.identity.id;
      if (row.settled || stale || row.expiresAt <= at) memory.forget(row.fingerprint);
      else memory.remember(row.fingerprint, row.identity, row.expiresAt.getTime());
    }
    if (at.getTime() - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = at.getTime();
      await store.prune();
    }
  };
  const tick = () => {
    if (syncing || stopped) return;
    syncing = sync()
      .catch((err: unknown) => log.warn({ err }, 'unsettled_events_sync_failed'))
      .finally(() => {
        syncing = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, options.syncMs);
  timer.unref();

  return {
    recall: (fingerprint) => memory.recall(fingerprint),
    get empty() {
      return memory.empty;
    },
    async remember(fingerprint, identity) {
      memory.remember(fingerprint, identity);
      try {
        await within(
          SAVE_TIMEOUT_MS,
          store.save(fingerprint, identity, new Date(options.now().getTime() + options.windowMs)),
        );
      } catch (err) {
        log.warn({ err }, 'unsettled_event_not_shared');
        return;
      }
      // A sync that started before the write may miss it; the next one, starting within syncMs, cannot.
      await new Promise((resolve) => setTimeout(resolve, 2 * options.syncMs));
    },
    forget(fingerprint) {
      const eventId = memory.recall(fingerprint)?.id;
      if (eventId) settledHere.set(fingerprint, { eventId, until: options.now().getTime() + options.windowMs });
      memory.forget(fingerprint);
      store.settle(fingerprint).catch((err: unknown) => log.warn({ err }, 'unsettled_event_settle_failed'));
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await syncing;
    },
  };
}
