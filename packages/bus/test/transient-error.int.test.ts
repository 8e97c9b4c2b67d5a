import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { openDatabase, sql } from '@klaxon/db';
import { rejection, type TestDatabase, testDatabase } from '@klaxon/testing';
import { Client } from 'pg';
import { isTransientError } from '../src/transient-error';

// The classifier on errors the real stack throws (drizzle over node-postgres, a real PostgreSQL).

describe('isTransientError on real PostgreSQL errors', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(() => database.close());

  it('a server that is not there (ECONNREFUSED through drizzle) is transient', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const gone = await openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/postgres` });
    try {
      expect(isTransientError(await rejection(gone.db.execute(sql`select 1`)))).toBe(true);
    } finally {
      await gone.close();
    }
  });

  it('a connection the server terminates (57P01, then "Connection terminated") is transient', async () => {
    const victim = new Client({ connectionString: database.url });
    await victim.connect();
    victim.on('error', () => undefined);
    const { rows } = await victim.query<{ pid: number }>('select pg_backend_pid() as pid');
    const killed = rejection(victim.query('select pg_sleep(30)'));
    await database.db.execute(sql`select pg_terminate_backend(${rows[0]?.pid})`);
    const err = (await killed) as { code?: string; message: string };
    expect(err.code === '57P01' || /^Connection terminated/.test(err.message)).toBe(true);
    expect(isTransientError(err)).toBe(true);
    expect(isTransientError(await rejection(victim.query('select 1')))).toBe(true);
    await victim.end().catch(() => undefined);
  });

  it('a deadlock (40P01) is transient', async () => {
    const [a, b] = [new Client({ connectionString: database.url }), new Client({ connectionString: database.url })];
    await Promise.all([a.connect(), b.connect()]);
    try {
      await Promise.all([a.query('begin'), b.query('begin')]);
      await a.query('select pg_advisory_xact_lock(1)');
      await b.query('select pg_advisory_xact_lock(2)');
      const results = await Promise.allSettled([
        a.query('select pg_advisory_xact_lock(2)'),
        b.query('select pg_advisory_xact_lock(1)'),
      ]);
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((failed.reason as { code?: string }).code).toBe('40P01');
      expect(isTransientError(failed.reason)).toBe(true);
    } finally {
      await Promise.all([a.query('rollback'), b.query('rollback')]);
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('an error of the statement or its data (NUL in text, a missing table) is permanent', async () => {
    await database.db.execute(sql`create table t (s text)`);
    expect(isTransientError(await rejection(database.db.execute(sql`insert into t values (${'a\u0000b'})`)))).toBe(
      false,
    );
    expect(isTransientError(await rejection(database.db.execute(sql`select * from missing`)))).toBe(false);
  });
});
