import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { Pool } from 'pg';

/** The one database type every repository takes, whichever driver runs underneath. */
export type Database = PgDatabase<PgQueryResultHKT>;

/** A transaction or the database itself: repositories accept either. */
export type Executor = Pick<Database, 'execute' | 'select' | 'insert' | 'update' | 'delete' | 'transaction'>;

export type DatabaseConfig =
  /** A real PostgreSQL server (distributed mode, infra tests). */
  | { url: string; poolSize?: number }
  /** Embedded PostgreSQL (PGlite) persisted in a folder (all-in-one mode). */
  | { dataDir: string }
  /** Embedded PostgreSQL in memory (unit and embedded integration tests). */
  | { memory: true };

export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: 'postgres' | 'pglite';
  /** Resolves when the database answers a trivial query; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if ('url' in config) {
    const pool = new Pool({ connectionString: config.url, max: config.poolSize ?? 10 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const db = drizzleNodePg(pool) as unknown as Database;
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await pool.query('select 1');
      },
      close: () => pool.end(),
    };
  }
  if ('dataDir' in config) mkdirSync(config.dataDir, { recursive: true });
  const client = 'dataDir' in config ? await PGlite.create(config.dataDir) : await PGlite.create();
  const db = drizzlePglite(client) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}

/** Runs raw SQL and returns its rows, on either driver. */
export async function queryRows<T>(executor: Pick<Database, 'execute'>, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export { sql };
