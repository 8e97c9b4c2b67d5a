import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { type DatabaseHandle, openDatabase, queryRows, sql } from '@klaxon/db';
import { type TestDatabase, testDatabase, uniqueSuffix, waitFor } from '@klaxon/testing';
import { pino } from 'pino';
import type { Bus, BusMessage } from '../src/port';
import { createPostgresLogBus, type PostgresLogBusOptions, UnknownTopicError } from '../src/postgres-log';
import { createGroupMembership } from '../src/postgres-log/group-membership';
import { busContract } from './bus-contract';
import { body, collect, msg } from './test-messages';

const log = pino({ level: 'silent' });
const uniqueName = (base: string) => `${base}-${uniqueSuffix()}`;

/** Short session and backoff, so redelivery after a crash and retries take moments in tests. */
const testOptions = { log, sessionTimeoutMs: 1_500, retryBackoffMs: 20, maxRetryBackoffMs: 100, pollMs: 50 } as const;

/** A PostgreSQL URL nothing listens on: a port the OS just gave us and took back. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

busContract('postgres-log', async () => {
  const database = await testDatabase();
  const downHandles: DatabaseHandle[] = [];
  return {
    newBus: () => createPostgresLogBus({ db: database.db, ...testOptions }),
    async downBus() {
      // A PostgreSQL server that is not there.
      const handle = await openDatabase({ url: await closedPortUrl() });
      downHandles.push(handle);
      return createPostgresLogBus({ db: handle.db, log });
    },
    uniqueName,
    async close() {
      for (const handle of downHandles) await handle.close().catch(() => undefined);
      await database.close();
    },
  };
});

describe('postgres-log bus', () => {
  let database: TestDatabase;
  const buses: Bus[] = [];
  const newBus = async (options: Partial<PostgresLogBusOptions> = {}) => {
    const bus = await createPostgresLogBus({ db: database.db, ...testOptions, ...options });
    buses.push(bus);
    return bus;
  };
  const newTopic = async (bus: Bus, partitions = 4) => {
    const name = uniqueName('log');
    await bus.ensureTopics([{ name, partitions, compacted: false }]);
    return name;
  };

  beforeAll(async () => {
    database = await testDatabase();
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    await database.close();
  });

  it('appends the publishes of one turn of the event loop in one transaction', async () => {
    const counter = { transactions: 0 };
    const bus = await newBus({ onPublishTransaction: () => counter.transactions++ });
    const topic = await newTopic(bus);
    await Promise.all(Array.from({ length: 200 }, (_, i) => bus.publish(topic, [msg(`svc-${i % 7}`, String(i))])));
    expect(counter.transactions).toBe(1);
  });

  it('wakes the consumers of another bus on the same appends channel at once, not at its next poll', async () => {
    // The all-in-one's two threads: ingest appends in one, grouping consumes in the other.
    const appendsChannel = uniqueName('appends');
    const publisher = await newBus({ appendsChannel });
    const consumer = await newBus({ appendsChannel, pollMs: 600_000 });
    const topic = await newTopic(publisher, 2);
    const got: BusMessage[] = [];
    await consumer.subscribe({ group: uniqueName('g'), topics: [topic], handler: collect(got) });
    await publisher.publish(topic, [msg('svc-1', 'one'), msg('svc-2', 'two')]);
    await waitFor(() => got.length === 2, { what: 'both messages, long before the ten-minute poll', timeoutMs: 30_000 });
    expect(got.map(body).sort()).toEqual(['one', 'two']);
  });

  it('carries publishes made while a transaction is in flight in the next one, keeping the order of each key', async () => {
    const counter = { transactions: 0 };
    const bus = await newBus({ onPublishTransaction: () => counter.transactions++ });
    const topic = await newTopic(bus);
    // 500 single-message publishes arriving over 100 turns of the event loop, as HTTP requests do.
    // A transaction on PostgreSQL takes several turns, so the publishes arriving meanwhile batch up.
    const publishes: Promise<void>[] = [];
    for (let i = 0; i < 500; i++) {
      publishes.push(bus.publish(topic, [msg(`svc-${i % 7}`, String(i))]));
      if (i % 5 === 4) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(publishes);
    expect(counter.transactions).toBeGreaterThan(1);
    expect(counter.transactions).toBeLessThanOrEqual(100);

    const got: BusMessage[] = [];
    await bus.subscribe({ group: uniqueName('g'), topics: [topic], handler: collect(got) });
    await waitFor(() => got.length === 500, { what: '500 messages' });
    for (let k = 0; k < 7; k++) {
      const bodies = got.filter((m) => m.key === `svc-${k}`).map((m) => Number(body(m)));
      expect(bodies).toEqual(Array.from({ length: bodies.length }, (_, i) => k + 7 * i));
    }
  });

  it('assigns gap-free offsets in commit order when processes publish at once', async () => {
    const [a, b] = [await newBus(), await newBus()];
    const topic = await newTopic(a as Bus, 3);
    await Promise.all(
      [a, b].map(async (bus, n) => {
        for (let i = 0; i < 30; i++) {
          await (bus as Bus).publish(topic, [msg(`k${i % 5}`, `${n}:${i}`), msg(`k${(i + 1) % 5}`, `${n}:${i}b`)]);
        }
      }),
    );
    const rows = await queryRows<{ partition: number; offsets: string[]; next: string }>(
      database.db,
      sql`select m.partition, array_agg(m."offset"::text order by m."offset") as offsets, p.next_offset::text as next
          from bus.messages m join bus.partitions p on p.topic = m.topic and p.partition = m.partition
          where m.topic = ${topic} group by m.partition, p.next_offset`,
    );
    expect(rows.reduce((sum, r) => sum + r.offsets.length, 0)).toBe(120);
    for (const row of rows) {
      expect(row.offsets).toEqual(row.offsets.map((_, i) => String(i)));
      expect(row.next).toBe(String(row.offsets.length));
    }
  });

  it('refuses a publish to a topic that was never created, without failing the publishes beside it', async () => {
    const bus = await newBus();
    const topic = await newTopic(bus, 1);
    const results = await Promise.allSettled([
      bus.publish(topic, [msg('k', 'kept')]),
      bus.publish(uniqueName('missing'), [msg('k', 'refused')]),
    ]);
    expect(results[0]?.status).toBe('fulfilled');
    expect(results[1]?.status === 'rejected' && results[1].reason).toBeInstanceOf(UnknownTopicError);
  });

  it('dead-letters with headers saying where the message came from and why', async () => {
    const bus = await newBus();
    const topic = await newTopic(bus, 2);
    const group = uniqueName('g');
    await bus.publish(topic, [msg('k', 'poison')]);
    await bus.subscribe({ group, topics: [topic], handler: async () => 'dead-letter' });
    const dead: BusMessage[] = [];
    await bus.subscribe({
      group: uniqueName('g'),
      topics: [`${topic}.dead-letter`],
      handler: collect(dead),
    });
    await waitFor(() => dead.length === 1, { what: 'the dead letter' });
    expect(dead[0]?.headers).toMatchObject({
      'klaxon.origin.topic': topic,
      'klaxon.origin.offset': '0',
      'klaxon.dead_letter.group': group,
      'klaxon.dead_letter.reason': 'rejected',
    });
    // Both drivers hand back the append time as a Date.
    const appended = new Date(dead[0]?.headers['klaxon.origin.timestamp'] ?? '');
    expect(Math.abs(appended.getTime() - Date.now())).toBeLessThan(60_000);
    expect(dead[0]?.timestamp.getTime()).toBeGreaterThanOrEqual(appended.getTime());
  });

  it('refuses a commit from a member whose lease another member took', async () => {
    const bus = await newBus();
    const topic = await newTopic(bus, 1);
    const group = uniqueName('g');
    const settings = { sessionTimeoutMs: 60_000 };
    const first = createGroupMembership(database.db, settings, group, 'member-1', [topic]);
    const second = createGroupMembership(database.db, settings, group, 'member-2', [topic]);
    const ref = { topic, partition: 0 };
    expect([...(await first.pass(new Set())).held.values()]).toEqual([{ ...ref, committedOffset: 0 }]);
    expect((await second.pass(new Set())).held.size).toBe(0);
    expect(await first.commit(ref, 3)).toBe(true);
    expect(await second.commit(ref, 7)).toBe(false);
    // The holder leaves: its lease is free at once and the next holder starts where it committed.
    await first.leave();
    expect([...(await second.pass(new Set())).held.values()]).toEqual([{ ...ref, committedOffset: 3 }]);
    expect(await first.commit(ref, 9)).toBe(false);
    await second.leave();
  });

  it("hands a stopped member's partitions over without waiting for its session to expire", async () => {
    // A long session: if the handover waited for expiry, this test would time out.
    const options = { sessionTimeoutMs: 30_000 };
    const producer = await newBus(options);
    const topic = await newTopic(producer, 4);
    const group = uniqueName('g');
    const a: BusMessage[] = [];
    const b: BusMessage[] = [];
    const subA = await (await newBus(options)).subscribe({ group, topics: [topic], handler: collect(a) });
    await subA.started;
    const subB = await (await newBus({ ...options, sessionTimeoutMs: 2_000 })).subscribe({
      group,
      topics: [topic],
      handler: collect(b),
    });
    await subB.started;
    await subA.stop();
    await producer.publish(
      topic,
      Array.from({ length: 40 }, (_, i) => msg(`key-${i}`, String(i))),
    );
    await waitFor(() => b.length === 40, { what: 'every message at the remaining member', timeoutMs: 10_000 });
    expect(new Set(b.map((m) => m.partition)).size).toBe(4);
    expect(a).toEqual([]);
  });

  it('leaves the database open when it closes', async () => {
    const bus = await createPostgresLogBus({ db: database.db, ...testOptions });
    await bus.ping();
    await bus.close();
    await expect(queryRows(database.db, sql`select 1 as one`)).resolves.toEqual([{ one: 1 }]);
  });
});
