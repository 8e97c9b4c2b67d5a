import { type SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { Pool } from 'pg';
import type { Logger } from 'pino';

/** The one database type every repository takes. */
export type Database = PgDatabase<PgQueryResultHKT>;

/** A transaction or the database itself: repositories accept either. */
export type Executor = Pick<Database, 'execute' | 'select' | 'insert' | 'update' | 'delete' | 'transaction'>;

/** A PostgreSQL server: the one given by KLAXON_DATABASE_URL, or the embedded one (embedded-server.ts). */
export interface DatabaseConfig {
  url: string;
  /** Connections this process keeps at most (node-postgres' default is 10). */
  poolSize?: number;
  /** Where lost connections are reported (a database restart ends them all). */
  log?: Pick<Logger, 'warn'>;
  /**
   * false: this pool's commits return before their WAL is flushed (synchronous_commit=off). Only for
   * work whose every input is already durable and that is redone when lost: consumers, relays and
   * timers, whose offsets, outbox rows and timers commit after their work in the same WAL, so a
   * crash loses their last work and its position together and it runs again. Never for a pool that
   * answers a request (a 202, a REST write): that promise needs the flush.
   */
  synchronousCommit?: boolean;
}

export interface DatabaseHandle {
  readonly db: Database;
  /** Where it was opened (credentials included): for another thread of this process, never for logs. */
  readonly url: string;
  /** Resolves when the database answers a trivial query; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  const pool = new Pool({
    connectionString: config.url,
    max: config.poolSize ?? 10,
    ...(config.synchronousCommit === false ? { options: '-c synchronous_commit=off' } : {}),
  });
  const lost = (err: Error) => config.log?.warn({ err }, 'database_connection_lost');
  // A connection ending (a database restart ends them all) is an 'error' event on its client, which
  // crashes the process if nobody listens. pg-pool listens only while a client is idle in the pool,
  // so every client gets its own listener from the start: a checked-out one (mid-transaction) then
  // fails its next query with a transient error instead, and the pool replaces it on release.
  pool.on('connect', (client) => client.on('error', lost));
  pool.on('error', () => undefined);
  const db = drizzle(pool) as unknown as Database;
  return {
    db,
    url: config.url,
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
}

/** Runs raw SQL and returns its rows. */
export async function queryRows<T>(executor: Pick<Database, 'execute'>, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export { sql };

/**
 * Awaits drizzle queries one after the other (they start when awaited): on a transaction, whose one
 * connection runs one statement at a time, Promise.all would queue them on the client, which pg
 * deprecates. Keeps the tuple's types, as Promise.all does.
 */
export async function inSequence<T extends readonly unknown[]>(
  queries: readonly [...T],
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results: unknown[] = [];
  for (const query of queries) results.push(await query);
  return results as { -readonly [K in keyof T]: Awaited<T[K]> };
}
