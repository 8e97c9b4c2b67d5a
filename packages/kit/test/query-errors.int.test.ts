import { sql } from '@klaxon/db';
import { rejection, type TestDatabase, testDatabase } from '@klaxon/testing';
import { createApp } from '../src/app';
import { createLogger } from '../src/logger';
import { capture } from './log-capture';

// Failed statements on a real PostgreSQL, logged as services log them: the statement stays, the
// values (bound parameters, quoted values, failing rows) never reach the log (issue 14 item 14).

const EMAIL = 'grace.hopper@example.com';
const SUMMARY = 'Disk full on checkout-db-7';

describe('failed-query log lines', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
    await database.db.execute(
      sql`create table people (email text primary key, name text not null check (length(name) < 20), age integer)`,
    );
    await database.db.execute(sql`insert into people values (${EMAIL}, 'Grace', 85)`);
  });
  afterAll(() => database.close());

  it.each([
    ['a duplicate key (its detail quotes the row)', sql`insert into people values (${EMAIL}, ${'Grace'}, 1)`, '23505'],
    ['a check violation (failing row)', sql`insert into people values (${'x@example.com'}, ${SUMMARY}, 1)`, '23514'],
    ['an integer out of range', sql`insert into people values (${'y@example.com'}, 'y', ${'10000000000'})`, '22003'],
    ['a NUL in text', sql`insert into people values (${`${EMAIL}\u0000`}, 'z', 1)`, '22021'],
  ])('logs %s with its statement and SQLSTATE, not the values', async (_label, statement, code) => {
    const err = await rejection(database.db.execute(statement));
    const out = capture();
    createLogger({ level: 'info', name: 'test' }, out.stream).error({ err }, 'request_failed');
    const text = out.text();
    expect(text).toContain('insert into people values ($1, ');
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(SUMMARY);
    expect(text).not.toContain('10000000000');
    expect(text).not.toContain('params');
    expect(text).toContain(code);
  });

  it("keeps them out of the error handler's request_failed line too", async () => {
    const out = capture();
    const app = createApp({ name: 'test', logger: createLogger({ level: 'info', name: 'test' }, out.stream) });
    app.post('/people', async (request) => {
      const { email } = request.body as { email: string };
      await database.db.execute(sql`insert into people values (${email}, 'Grace', 1)`);
      return {};
    });
    const res = await app.inject({ method: 'POST', url: '/people', payload: { email: EMAIL } });
    await app.close();
    expect(res.statusCode).toBe(500);
    const line = out.lines().find((l) => l.msg === 'request_failed');
    expect(JSON.stringify(line)).toContain('insert into people');
    expect(out.text()).not.toContain(EMAIL);
  });

  it('answers a PostgreSQL data exception that got past the edge with 400 / 2001, not 500', async () => {
    const out = capture();
    const app = createApp({ name: 'test', logger: createLogger({ level: 'info', name: 'test' }, out.stream) });
    app.post('/people', async (request) => {
      const { age } = request.body as { age: string };
      await database.db.execute(sql`insert into people values ('z@example.com', 'z', ${age})`);
      return {};
    });
    const res = await app.inject({ method: 'POST', url: '/people', payload: { age: '99999999999' } });
    await app.close();
    expect([res.statusCode, res.json()]).toEqual([
      400,
      {
        error: {
          message: 'Invalid Input Provided',
          code: 2001,
          errors: ['A value is out of range or cannot be stored'],
        },
      },
    ]);
    expect(out.lines().find((l) => l.msg === 'request_refused_by_database')).toMatchObject({
      err: { sqlState: '22003' },
    });
    expect(out.text()).not.toContain('99999999999');
  });
});
