import type { Bus } from '@klaxon/bus';
import { allTopics } from '@klaxon/contracts';
import { createApp } from '@klaxon/kit';
import { hashToken } from '@klaxon/rest';
import { catalogFeed, silentLog, type TestDatabase, testBus, testDatabase, uniqueSuffix } from '@klaxon/testing';
import type { FastifyInstance } from 'fastify';
import { escalationPlugin } from '../src/plugin';

export const TOKEN = 'escalationtoken00000000000000001';
export const READ_TOKEN = 'escalationreadonly0000000000002';
export const USER = { id: 'PUSER01', email: 'ops@example.com', name: 'Ops Person', role: 'admin' };

/** One database, bus and escalation app per test file, with a clock tests set by hand. */
export async function escalationHarness(start = new Date('2027-01-04T12:00:00Z')) {
  const database: TestDatabase = await testDatabase();
  const bus: Bus = await testBus(database.db);
  await bus.ensureTopics(allTopics);
  let now = start.getTime();
  const clock = { now: () => new Date(now) };
  const app: FastifyInstance = createApp({ name: 'escalation', logger: silentLog, checkResponses: true });
  await app.register(escalationPlugin, {
    db: database.db,
    bus,
    log: silentLog,
    clock,
    instanceId: `escalation-${uniqueSuffix()}`,
    publicUrl: 'https://klaxon.test',
  });
  await app.ready();

  /** Publishes a catalog snapshot (null: a tombstone) and waits until the replica holds it. */
  const catalog = catalogFeed(bus, database.db, 'escalation');

  await catalog('user', USER.id, USER);
  await catalog('api_token', 'PTOK001', { token_hash: hashToken(TOKEN), user: { id: USER.id }, access: 'full_access' });
  await catalog('api_token', 'PTOK002', {
    token_hash: hashToken(READ_TOKEN),
    user: { id: USER.id },
    access: 'read_only',
  });

  function api(method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) {
    return app.inject({
      method,
      url,
      headers: {
        authorization: `Token token=${TOKEN}`,
        accept: 'application/vnd.pagerduty+json;version=2',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  }

  return {
    app,
    catalog,
    api,
    setNow(at: string) {
      now = Date.parse(at);
    },
    async close() {
      await app.close();
      await bus.close();
      await database.close();
    },
  };
}
