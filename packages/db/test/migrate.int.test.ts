import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TestDatabase, testDatabase } from '@klaxon/testing';
import { sql } from 'drizzle-orm';
import { queryRows, runMigrations } from '../src';

// A service's migrations, in drizzle-kit's folder layout, applied once, in order, by any number of
// replicas starting at the same time.
function migrationsFolder(statements: string[][]): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'klaxon-migrations-'));
  mkdirSync(path.join(folder, 'meta'));
  const entries = statements.map((_, idx) => ({
    idx,
    version: '7',
    when: 1_700_000_000_000 + idx,
    tag: `000${idx}_m`,
    breakpoints: true,
  }));
  writeFileSync(
    path.join(folder, 'meta', '_journal.json'),
    JSON.stringify({ version: '7', dialect: 'postgresql', entries }),
  );
  statements.forEach((sqls, idx) => {
    writeFileSync(path.join(folder, `000${idx}_m.sql`), sqls.join('\n--> statement-breakpoint\n'));
  });
  return folder;
}

describe('runMigrations', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await testDatabase();
  });
  afterEach(() => database.close());

  it('applies pending migrations once, and later ones on the next start', async () => {
    const first = [['CREATE SCHEMA "svc"', 'CREATE TABLE "svc"."things" ("id" text PRIMARY KEY)']];
    const folder = migrationsFolder(first);
    await runMigrations(database.db, { folder, schema: 'svc' });
    await runMigrations(database.db, { folder, schema: 'svc' });
    const later = migrationsFolder([...first, ['ALTER TABLE "svc"."things" ADD COLUMN "name" text']]);
    await runMigrations(database.db, { folder: later, schema: 'svc' });
    await database.db.execute(sql`insert into svc.things (id, name) values ('a', 'b')`);
    const ledger = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from klaxon_migrations.svc`,
    );
    expect(ledger[0]?.n).toBe(2);
    for (const f of [folder, later]) rmSync(f, { recursive: true, force: true });
  });

  it('leaves nothing half-applied when a migration fails', async () => {
    const folder = migrationsFolder([['CREATE SCHEMA "broken"', 'CREATE TABLE "broken"."t" ("id" nonsense_type)']]);
    await expect(runMigrations(database.db, { folder, schema: 'broken' })).rejects.toThrow();
    const schemas = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from information_schema.schemata where schema_name = 'broken'`,
    );
    expect(schemas[0]?.n).toBe(0);
    rmSync(folder, { recursive: true, force: true });
  });

  it('lets two replicas start at once without applying anything twice', async () => {
    const folder = migrationsFolder([['CREATE SCHEMA "race"', 'CREATE TABLE "race"."t" ("id" text PRIMARY KEY)']]);
    await Promise.all([
      runMigrations(database.db, { folder, schema: 'race' }),
      runMigrations(database.db, { folder, schema: 'race' }),
    ]);
    const ledger = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from klaxon_migrations.race`,
    );
    expect(ledger[0]?.n).toBe(1);
    rmSync(folder, { recursive: true, force: true });
  });
});
