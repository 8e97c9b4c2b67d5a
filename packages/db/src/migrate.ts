import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Database } from './database';

export interface MigrationOptions {
  /** Folder of drizzle-kit generated SQL migrations (with meta/_journal.json). */
  folder: string;
  /** The service's own schema; names its ledger table in the shared `klaxon_migrations` schema. */
  schema: string;
}

/**
 * Applies a service's pending migrations in one transaction, on either driver.
 * Each service has its own ledger table, so services migrate independently even when they share
 * one database (all-in-one mode). The ledger sits outside the service's schema because the first
 * migration creates that schema.
 */
export async function runMigrations(db: Database, options: MigrationOptions): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder: options.folder });
  const ledger = sql`klaxon_migrations.${sql.identifier(options.schema)}`;
  await db.transaction(async (tx) => {
    // Serialize replicas starting at once (even the `if not exists` DDL races); released at commit.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('klaxon.migrations'))`);
    await tx.execute(sql`create schema if not exists klaxon_migrations`);
    await tx.execute(sql`create table if not exists ${ledger} (hash text primary key, created_at bigint not null)`);
    const applied = (await tx.execute(sql`select hash from ${ledger}`)) as unknown as {
      rows: { hash: string }[];
    };
    const done = new Set(applied.rows.map((r) => r.hash));
    for (const migration of migrations) {
      if (done.has(migration.hash)) continue;
      for (const statement of migration.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(
        sql`insert into ${ledger} (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
      );
    }
  });
}
