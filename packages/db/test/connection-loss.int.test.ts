import { setTimeout as delay } from 'node:timers/promises';
import { type TestDatabase, testDatabase, waitFor } from '@klaxon/testing';
import { Client } from 'pg';
import { queryRows, sql } from '../src';

// A PostgreSQL restart ends every connection, including one checked out in the middle of a
// transaction. pg raises that as an 'error' event on the client: without a listener on checked-out
// clients (pg-pool only watches idle ones) the process crashed with "Unhandled 'error' event".
describe('a connection lost mid-transaction', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(() => database.close());

  /** Ends this database's other connections from outside, as a server restart does. */
  async function terminateConnections(): Promise<number> {
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      const result = await admin.query(
        'select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      return result.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  it('fails that transaction with a transient error and the process carries on', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      let inTransaction = () => {};
      const checkedOut = new Promise<void>((resolve) => {
        inTransaction = resolve;
      });
      const transaction = database.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        inTransaction();
        // Idle in the transaction (as while a publish is awaited) when the connection goes.
        await delay(500);
        await tx.execute(sql`select 2`);
      });
      await checkedOut;
      expect(await terminateConnections()).toBeGreaterThan(0);
      await expect(transaction).rejects.toThrow();
      // The pool replaces the lost connection: the next query succeeds.
      await waitFor(async () => (await queryRows<{ n: number }>(database.db, sql`select 1 as n`))[0]?.n === 1);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
