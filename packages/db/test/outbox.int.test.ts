import { randomBytes } from 'node:crypto';
import type { BusMessage } from '@klaxon/bus';
import { silentLog, type TestDatabase, testBus, testDatabase, uniqueSuffix, waitFor } from '@klaxon/testing';
import { sql } from 'drizzle-orm';
import { pgSchema } from 'drizzle-orm/pg-core';
import {
  claimMessage,
  enqueueOutbox,
  inboxTable,
  MAX_OUTBOX_MESSAGE_BYTES,
  MessageTooLargeError,
  type OutboxMessage,
  outboxLeaseTable,
  outboxTable,
  type Publish,
  queryRows,
  startOutboxRelay,
} from '../src';

// The transactional outbox and its relay on a real database and bus (the embedded PostgreSQL and the
// Postgres log under `pnpm test`; PostgreSQL and Kafka under `pnpm test:infra`).
const schema = pgSchema('outbox_test');
const outbox = outboxTable(schema);
const lease = outboxLeaseTable(schema);
const inbox = inboxTable(schema);
const text = new TextEncoder();
const decoder = new TextDecoder();

describe('transactional outbox', () => {
  let database: TestDatabase;
  const topic = `outbox-test-${uniqueSuffix()}`;
  const message = (key: string, body: string): OutboxMessage => ({ topic, key, value: text.encode(body) });

  beforeAll(async () => {
    database = await testDatabase();
    await database.db.execute(sql`create schema outbox_test`);
    await database.db.execute(sql`create table outbox_test.outbox (
      id bigserial primary key, topic text not null, key text not null, value bytea not null,
      headers jsonb not null default '{}', created_at timestamptz not null default now())`);
    await database.db.execute(sql`create table outbox_test.outbox_lease (
      name text primary key, owner text not null, expires_at timestamptz not null)`);
    await database.db.execute(sql`create table outbox_test.inbox (
      message_id text primary key, processed_at timestamptz not null default now())`);
  });
  afterAll(() => database.close());
  afterEach(async () => {
    await database.db.execute(sql`delete from outbox_test.outbox`);
    await database.db.execute(sql`delete from outbox_test.outbox_lease`);
  });

  it('publishes what committed transactions wrote, in order, and nothing of a rolled-back one', async () => {
    const bus = await testBus(database.db);
    await bus.ensureTopics([{ name: topic, partitions: 2, compacted: false }]);
    const got: BusMessage[] = [];
    await bus.subscribe({
      group: `g-${uniqueSuffix()}`,
      topics: [topic],
      handler: async (m) => {
        got.push(m);
        return 'ok';
      },
    });
    await database.db.transaction(async (tx) => enqueueOutbox(tx, outbox, [message('a', '1'), message('a', '2')]));
    await expect(
      database.db.transaction(async (tx) => {
        await enqueueOutbox(tx, outbox, [message('a', 'rolled back')]);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    await database.db.transaction(async (tx) => enqueueOutbox(tx, outbox, [message('a', '3')]));

    const relay = startOutboxRelay({
      db: database.db,
      outbox,
      lease,
      publish: (t, m) => bus.publish(t, m),
      log: silentLog,
      owner: 'relay-1',
    });
    await waitFor(() => got.length >= 3, { what: 'relayed messages' });
    await relay.flush();
    expect(got.map((m) => decoder.decode(m.value))).toEqual(['1', '2', '3']);
    const left = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from outbox_test.outbox`);
    expect(left[0]?.n).toBe(0);
    await relay.stop();
    await bus.close();
  });

  it('keeps rows it could not publish and publishes them once the bus is back', async () => {
    let down = true;
    const published: string[] = [];
    const publish: Publish = async (_t, m) => {
      if (down) throw new Error('bus down');
      published.push(...m.map((x) => decoder.decode(x.value)));
    };
    await enqueueOutbox(database.db, outbox, [message('k', 'x'), message('k', 'y')]);
    const relay = startOutboxRelay({ db: database.db, outbox, lease, publish, log: silentLog, owner: 'r', pollMs: 20 });
    await relay.flush();
    expect(published).toEqual([]);
    // What /metrics and /readyz show of a failing relay.
    expect(relay.health.errors).toBeGreaterThan(0);
    expect(relay.health.failingSince).toBeInstanceOf(Date);
    down = false;
    await waitFor(() => published.length === 2, { what: 'publish after recovery' });
    expect(published).toEqual(['x', 'y']);
    await waitFor(() => relay.health.failingSince === undefined, { what: 'relay healthy again' });
    await relay.stop();
  });

  // Issue 14 item 8: 2,000 integrations made in a minute left ~6,000 rows of service snapshots of up to
  // 48 KB; the relay sent 500 of them in one produce request, Kafka refused it as too large (1 MB by
  // default), and the relay retried the same batch forever with every later change stuck behind it.
  it('relays an outbox far larger than one produce request the broker takes, in order, without a failed pass', async () => {
    const bus = await testBus(database.db);
    const big = `${topic}-big`;
    await bus.ensureTopics([{ name: big, partitions: 3, compacted: false }]);
    const got: BusMessage[] = [];
    await bus.subscribe({
      group: `g-${uniqueSuffix()}`,
      topics: [big],
      handler: async (m) => {
        got.push(m);
        return 'ok';
      },
    });
    // Random hex barely compresses: splitting, not compression, has to keep each request small.
    const snapshot = (i: number) => `${i}:${randomBytes(24_000).toString('hex')}`;
    const count = 120;
    const expected = Array.from({ length: count }, (_, i) => snapshot(i));
    await enqueueOutbox(
      database.db,
      outbox,
      // Mostly one key (one service's snapshot republished), so one partition gets megabytes at once.
      expected.map((body, i) => ({ ...message(i % 10 === 0 ? `PSVC${i}` : 'PSVC001', body), topic: big })),
    );
    const relay = startOutboxRelay({
      db: database.db,
      outbox,
      lease,
      publish: (t, m) => bus.publish(t, m),
      log: silentLog,
      owner: 'relay-big',
    });
    await waitFor(() => got.length >= count, { what: 'the large outbox relayed', timeoutMs: 60_000 });
    await relay.flush();
    const same = got.filter((m) => m.key === 'PSVC001').map((m) => decoder.decode(m.value));
    expect(same).toEqual(expected.filter((_, i) => i % 10 !== 0));
    expect(got).toHaveLength(count);
    expect(relay.health.errors).toBe(0);
    const left = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from outbox_test.outbox`);
    expect(left[0]?.n).toBe(0);
    await relay.stop();
    await bus.close();
  });

  it('refuses a message larger than the bus takes when it is written, and writes nothing of that change', async () => {
    const huge = message('PSVC001', 'x'.repeat(MAX_OUTBOX_MESSAGE_BYTES + 1));
    await expect(
      database.db.transaction(async (tx) => enqueueOutbox(tx, outbox, [message('PSVC001', 'small'), huge])),
    ).rejects.toThrow(MessageTooLargeError);
    const left = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from outbox_test.outbox`);
    expect(left[0]?.n).toBe(0);
  });

  it('writes nothing while the outbox is empty: an idle relay takes no lease', async () => {
    const relay = startOutboxRelay({
      db: database.db,
      outbox,
      lease,
      publish: async () => {},
      log: silentLog,
      owner: 'idle',
      pollMs: 20,
    });
    try {
      // Several polls' worth of passes.
      await relay.flush();
      await new Promise((r) => setTimeout(r, 100));
      const leases = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from outbox_test.outbox_lease`,
      );
      expect(leases[0]?.n).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  it('lets one relay publish at a time, and hands the lease over on stop', async () => {
    const byOwner: Record<string, number> = { first: 0, second: 0 };
    const relayOf = (owner: string) =>
      startOutboxRelay({
        db: database.db,
        outbox,
        lease,
        publish: async (_t, m) => {
          byOwner[owner] = (byOwner[owner] ?? 0) + m.length;
        },
        log: silentLog,
        owner,
        pollMs: 20,
        leaseMs: 60_000,
      });
    // The lease goes to the first pass that finds work, and stays for leaseMs after each such pass.
    await enqueueOutbox(database.db, outbox, [message('k', '0')]);
    const first = relayOf('first');
    await waitFor(() => byOwner.first === 1, { what: 'first relay' });
    const second = relayOf('second');
    await enqueueOutbox(database.db, outbox, [message('k', '1')]);
    await waitFor(() => byOwner.first === 2, { what: 'first relay again' });
    await second.flush();
    expect(byOwner.second).toBe(0);

    await first.stop();
    await enqueueOutbox(database.db, outbox, [message('k', '2')]);
    await waitFor(() => byOwner.second === 1, { what: 'second relay after hand-over', timeoutMs: 5_000 });
    await second.stop();
  });
});

describe('inbox', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
    await database.db.execute(sql`create schema outbox_test`);
    await database.db.execute(sql`create table outbox_test.inbox (
      message_id text primary key, processed_at timestamptz not null default now())`);
  });
  afterAll(() => database.close());

  it('claims a message once; a redelivery is recognised, and a rolled-back claim does not count', async () => {
    expect(await claimMessage(database.db, inbox, 'm-1')).toBe(true);
    expect(await claimMessage(database.db, inbox, 'm-1')).toBe(false);
    await expect(
      database.db.transaction(async (tx) => {
        expect(await claimMessage(tx, inbox, 'm-2')).toBe(true);
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await claimMessage(database.db, inbox, 'm-2')).toBe(true);
  });
});
