import path from 'node:path';
import { runMigrations } from '@klaxon/db';
import { type TestDatabase, testDatabase } from '@klaxon/testing';
import { createModelStore } from '../src/db';
import { observeAlert } from '../src/domain';

// The store hands back the very object it saved while the row is still its own (warm caches), and
// reads the row again when someone else saved since or when a transaction that changed it rolled back.
describe('intelligent model store', () => {
  let database: TestDatabase;
  const alert = (summary: string) => ({ summary, source: 'db-1', severity: 'critical' as const });
  const fields = ['summary'];

  beforeAll(async () => {
    database = await testDatabase();
    await runMigrations(database.db, { folder: path.join(__dirname, '..', 'drizzle'), schema: 'grouping' });
  });
  afterAll(() => database.close());

  it('reuses the saved object, and reads again after another writer or a rollback', async () => {
    const store = createModelStore();
    const other = createModelStore();
    const first = await database.db.transaction(async (tx) => {
      const model = await store.load(tx, 'PSVC1');
      observeAlert(model, alert('disk full on /var'), fields);
      await store.save(tx, 'PSVC1', model, new Date('2026-11-30T10:00:00Z'));
      return model;
    });
    expect(await database.db.transaction((tx) => store.load(tx, 'PSVC1'))).toBe(first);

    // Another replica (or thread) saves: the kept object is stale and is not handed out.
    await database.db.transaction(async (tx) => {
      const model = await other.load(tx, 'PSVC1');
      observeAlert(model, alert('replication lag'), fields);
      await other.save(tx, 'PSVC1', model, new Date('2026-11-30T10:00:01Z'));
    });
    const reread = await database.db.transaction(async (tx) => {
      const model = await store.load(tx, 'PSVC1');
      await store.save(tx, 'PSVC1', model, new Date('2026-11-30T10:00:02Z'));
      return model;
    });
    expect(reread).not.toBe(first);
    expect(JSON.stringify(reread)).toContain('replication');

    // A transaction that changed the object rolls back: the next load reads the row, not the changed object.
    await expect(
      database.db.transaction(async (tx) => {
        const model = await store.load(tx, 'PSVC1');
        observeAlert(model, alert('certificate expiring'), fields);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const afterRollback = await database.db.transaction((tx) => store.load(tx, 'PSVC1'));
    expect(afterRollback).not.toBe(reread);
    expect(JSON.stringify(afterRollback)).not.toContain('certificate');
    expect(JSON.stringify(afterRollback)).toContain('replication');
  });
});
