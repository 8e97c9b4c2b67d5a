import { type TestDatabase, testDatabase } from '@klaxon/testing';
import { openDatabase, queryRows, sql } from '../src';

// A pool opened for background work commits without waiting for the WAL flush; any other keeps
// PostgreSQL's default, as a 202 or a REST write promises durability.
describe('openDatabase', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(() => database.close());

  const setting = async (synchronousCommit?: boolean) => {
    const handle = await openDatabase({
      url: database.url,
      poolSize: 1,
      ...(synchronousCommit === undefined ? {} : { synchronousCommit }),
    });
    try {
      const [row] = await queryRows<{ synchronous_commit: string }>(handle.db, sql`show synchronous_commit`);
      return row?.synchronous_commit;
    } finally {
      await handle.close();
    }
  };

  it('turns synchronous commits off only for a pool that asks', async () => {
    expect(await setting(false)).toBe('off');
    // The test servers run with synchronous_commit off for speed; a production server says on.
    const serverDefault = (
      await queryRows<{ s: string }>(database.db, sql`select current_setting('synchronous_commit') as s`)
    )[0]?.s;
    expect(await setting()).toBe(serverDefault);
    expect(await setting(true)).toBe(serverDefault);
  });
});
