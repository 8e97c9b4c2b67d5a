import { type Database, queryRows, sql } from '@klaxon/db';
import type { EventIdentity } from '../domain/unsettled-events';

/** An unsettled event as a replica's sync reads it back. */
export interface SharedUnsettled {
  fingerprint: string;
  identity: EventIdentity;
  expiresAt: Date;
  /** A retry of it was accepted somewhere: forget it. */
  settled: boolean;
}

/** The ingest replicas' shared memory of events answered 503 (ingest.unsettled_events). */
export interface UnsettledStore {
  save(fingerprint: string, identity: EventIdentity, expiresAt: Date): Promise<void>;
  settle(fingerprint: string): Promise<void>;
  /** Rows changed after `since` (every live one when undefined), and the database's clock at the read. */
  changes(since: Date | undefined): Promise<{ at: Date; rows: SharedUnsettled[] }>;
  /** Deletes rows past their retry window. */
  prune(): Promise<void>;
}

interface Row {
  fingerprint: string;
  event_id: string;
  dedup_key: string;
  received_at: string;
  expires_at: string;
  settled: boolean;
}

export function createPgUnsettledStore(db: Pick<Database, 'execute'>): UnsettledStore {
  return {
    async save(fingerprint, identity, expiresAt) {
      await db.execute(sql`
        insert into ingest.unsettled_events (fingerprint, event_id, dedup_key, received_at, expires_at)
        values (${fingerprint}, ${identity.id}, ${identity.dedupKey}, ${identity.receivedAt.toISOString()}, ${expiresAt.toISOString()})
        on conflict (fingerprint) do update set event_id = excluded.event_id, dedup_key = excluded.dedup_key,
          received_at = excluded.received_at, expires_at = excluded.expires_at, settled = false, changed_at = now()`);
    },
    async settle(fingerprint) {
      await db.execute(sql`
        update ingest.unsettled_events set settled = true, changed_at = now()
        where fingerprint = ${fingerprint} and not settled`);
    },
    async changes(since) {
      // One row whatever matches (an aggregate without GROUP BY): the clock and the changes together.
      const where =
        since === undefined ? sql`not u.settled and u.expires_at > now()` : sql`u.changed_at > ${since.toISOString()}`;
      const [read] = await queryRows<{ at: Date | string; rows: Row[] }>(
        db,
        sql`select now() as at, coalesce(json_agg(u), '[]'::json) as rows from ingest.unsettled_events u where ${where}`,
      );
      return {
        at: new Date(read?.at ?? Date.now()),
        rows: (read?.rows ?? []).map((r) => ({
          fingerprint: r.fingerprint,
          identity: { id: r.event_id, dedupKey: r.dedup_key, receivedAt: new Date(r.received_at) },
          expiresAt: new Date(r.expires_at),
          settled: r.settled,
        })),
      };
    },
    async prune() {
      await db.execute(sql`delete from ingest.unsettled_events where expires_at < now() - interval '1 minute'`);
    },
  };
}
