import { queryRows, sql } from '@klaxon/db';
import { type TestDatabase, testDatabase, uniqueSuffix, waitFor } from '@klaxon/testing';
import { pino } from 'pino';
import type { BusMessage } from '../src/port';
import { createPostgresLogBus, type PostgresLogBus, type PostgresLogBusOptions } from '../src/postgres-log';
import { body, collect, msg } from './test-messages';

const log = pino({ level: 'silent' });
const uniqueName = (base: string) => `${base}-${uniqueSuffix()}`;

/**
 * A minute of retention and of compaction lag, and no periodic cleaning: a test ages the rows it
 * wants cleaned (backdating appended_at, the database clock's stamp) and calls cleanNow().
 */
const testOptions = {
  log,
  sessionTimeoutMs: 1_500,
  retryBackoffMs: 20,
  pollMs: 50,
  retentionMs: 60_000,
  compactionLagMs: 60_000,
  cleanupIntervalMs: 0,
} as const;

describe('postgres-log retention and compaction', () => {
  let database: TestDatabase;
  const buses: PostgresLogBus[] = [];
  const newBus = async (options: Partial<PostgresLogBusOptions> = {}) => {
    const bus = await createPostgresLogBus({ db: database.db, ...testOptions, ...options });
    buses.push(bus);
    return bus;
  };
  const newTopic = async (bus: PostgresLogBus, partitions: number, compacted = false) => {
    const name = uniqueName(compacted ? 'compacted' : 'log');
    await bus.ensureTopics([{ name, partitions, compacted }]);
    return name;
  };
  /** Makes the topic's messages below `belowOffset` (all by default) an hour old. */
  const age = (topic: string, belowOffset = Number.MAX_SAFE_INTEGER) =>
    database.db.execute(sql`
      update bus.messages set appended_at = appended_at - interval '1 hour'
      where topic = ${topic} and "offset" < ${belowOffset}`);
  const stored = (topic: string) =>
    queryRows<{ partition: number; offset: string; key: string; body: string }>(
      database.db,
      sql`select partition, "offset"::text as "offset", key, convert_from(value, 'UTF8') as body
          from bus.messages where topic = ${topic} order by partition, "offset"`,
    );

  const committedOf = async (group: string, topic: string) =>
    (
      await queryRows<{ committed: string }>(
        database.db,
        sql`select committed_offset::text as committed from bus.group_partitions
            where consumer_group = ${group} and topic = ${topic}`,
      )
    )[0]?.committed;

  beforeAll(async () => {
    database = await testDatabase();
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    await database.close();
  });

  it('deletes the messages of an ordinary topic past the retention, and a group goes on with new ones', async () => {
    const bus = await newBus();
    const topic = await newTopic(bus, 2);
    const got: BusMessage[] = [];
    const group = uniqueName('g');
    const sub = await bus.subscribe({ group, topics: [topic], handler: collect(got) });
    await bus.publish(
      topic,
      Array.from({ length: 10 }, (_, i) => msg(`k${i}`, `old-${i}`)),
    );
    await waitFor(() => got.length === 10, { what: 'the old messages' });
    await sub.stop();

    await age(topic);
    await bus.publish(topic, [msg('k1', 'new-1'), msg('k2', 'new-2'), msg('k3', 'new-3')]);
    // Only the aged ones go: the new ones are within the retention.
    await expect(bus.cleanNow()).resolves.toEqual({ expired: 10, compacted: 0 });
    expect((await stored(topic)).map((r) => r.body).sort()).toEqual(['new-1', 'new-2', 'new-3']);
    await expect(bus.cleanNow()).resolves.toEqual({ expired: 0, compacted: 0 });

    const again: BusMessage[] = [];
    const resumed = await bus.subscribe({ group, topics: [topic], handler: collect(again) });
    await waitFor(() => again.length === 3, { what: 'the new messages' });
    await resumed.caughtUp(5_000);
    expect(again.map(body).sort()).toEqual(['new-1', 'new-2', 'new-3']);
    // Offsets are never reused: the new messages come after the deleted ones.
    const firstRun = new Map(got.map((m) => [m.partition, Number(m.offset)]));
    for (const m of again) expect(Number(m.offset)).toBeGreaterThan(firstRun.get(m.partition) ?? -1);

    // A partition the cleaner emptied entirely: a consumer there skips to its end, and is caught up.
    await age(topic);
    await expect(bus.cleanNow()).resolves.toEqual({ expired: 3, compacted: 0 });
    const late: BusMessage[] = [];
    const reader = await bus.subscribe({
      group: uniqueName('rm'),
      topics: [topic],
      readModel: true,
      handler: collect(late),
    });
    await reader.caughtUp(5_000);
    await bus.publish(topic, [msg('k4', 'after')]);
    await waitFor(() => again.length === 4 && late.length === 1, { what: 'a message after the emptied log' });
    expect(body(late[0] as BusMessage)).toBe('after');
  });

  it('resumes a group whose committed offset was deleted at the oldest message left', async () => {
    const bus = await newBus();
    const topic = await newTopic(bus, 1);
    const group = uniqueName('g');
    const first: BusMessage[] = [];
    const sub = await bus.subscribe({ group, topics: [topic], handler: collect(first) });
    await bus.publish(
      topic,
      [0, 1, 2, 3].map((i) => msg('k', String(i))),
    );
    await waitFor(() => first.length === 4, { what: 'offsets 0-3' });
    await sub.stop();

    // Committed: 4. Offsets 4-5 expire before the group comes back; 6-7 are left.
    await bus.publish(
      topic,
      [4, 5, 6, 7].map((i) => msg('k', String(i))),
    );
    await age(topic, 6);
    await expect(bus.cleanNow()).resolves.toEqual({ expired: 6, compacted: 0 });

    const second: BusMessage[] = [];
    await bus.subscribe({ group, topics: [topic], handler: collect(second) });
    await waitFor(() => second.length === 2, { what: 'offsets 6-7' });
    expect(second.map((m) => m.offset)).toEqual(['6', '7']);
    await waitFor(async () => (await committedOf(group, topic)) === '8', { what: 'the commit after offset 7' });
  });

  it('moves a group whose whole backlog expired to the end of the log, without fetching the hole again', async () => {
    const bus = await newBus();
    const topic = await newTopic(bus, 1);
    await bus.publish(
      topic,
      [0, 1, 2, 3, 4].map((i) => msg('k', String(i))),
    );
    await age(topic);
    await expect(bus.cleanNow()).resolves.toEqual({ expired: 5, compacted: 0 });
    const group = uniqueName('g');
    const got: BusMessage[] = [];
    await bus.subscribe({ group, topics: [topic], handler: collect(got) });
    await waitFor(async () => (await committedOf(group, topic)) === '5', { what: 'the position past the hole' });
    await bus.publish(topic, [msg('k', '5')]);
    await waitFor(() => got.length === 1, { what: 'offset 5' });
    expect(got[0]?.offset).toBe('5');
  });

  it('compacts to the latest message per key, markers included, and a read model rebuilds the same state', async () => {
    const bus = await newBus();
    const topic = await newTopic(bus, 2, true);
    const state = (into: Map<string, string>) => async (m: BusMessage) => {
      // An empty value is a deletion marker.
      if (m.value.length === 0) into.delete(m.key);
      else into.set(m.key, body(m));
      return 'ok' as const;
    };
    const before = new Map<string, string>();
    const live = await bus.subscribe({
      group: uniqueName('rm'),
      topics: [topic],
      readModel: true,
      handler: state(before),
    });
    for (let v = 1; v <= 3; v++) {
      await bus.publish(
        topic,
        ['a', 'b', 'c', 'd'].map((k) => msg(k, `${k}${v}`)),
      );
    }
    await bus.publish(topic, [{ key: 'c', value: new Uint8Array() }]);
    await age(topic);
    // Within the lag: d4 supersedes d3, but d4 is the latest and e1 is too young to go when e2 comes.
    await bus.publish(topic, [msg('d', 'd4'), msg('e', 'e1'), msg('e', 'e2')]);
    await live.caughtUp(5_000);

    // a1 a2 b1 b2 c1 c2 c3 d1 d2 d3: ten superseded messages old enough.
    await expect(bus.cleanNow()).resolves.toEqual({ expired: 0, compacted: 10 });
    const left = await stored(topic);
    expect(left.map((r) => `${r.key}=${r.body}`).sort()).toEqual(['a=a3', 'b=b3', 'c=', 'd=d4', 'e=e1', 'e=e2']);
    await expect(bus.cleanNow()).resolves.toEqual({ expired: 0, compacted: 0 });

    const rebuilt = new Map<string, string>();
    const reader = await (await newBus()).subscribe({
      group: uniqueName('rm'),
      topics: [topic],
      readModel: true,
      handler: state(rebuilt),
    });
    await reader.caughtUp(5_000);
    expect([...rebuilt].sort()).toEqual([...before].sort());
    expect(Object.fromEntries(rebuilt)).toEqual({ a: 'a3', b: 'b3', d: 'd4', e: 'e2' });
  });

  it('lets several cleaners run at once without deleting anything twice or anything more', async () => {
    const [a, b] = [await newBus(), await newBus()];
    const plain = await newTopic(a, 3);
    const compacted = await newTopic(a, 3, true);
    await a.publish(
      plain,
      Array.from({ length: 300 }, (_, i) => msg(`k${i % 13}`, String(i))),
    );
    await a.publish(
      compacted,
      Array.from({ length: 300 }, (_, i) => msg(`k${i % 13}`, String(i))),
    );
    await age(plain);
    await age(compacted);
    const results = await Promise.all([a.cleanNow(), b.cleanNow(), a.cleanNow()]);
    expect(results.reduce((sum, r) => sum + r.expired, 0)).toBe(300);
    expect(results.reduce((sum, r) => sum + r.compacted, 0)).toBe(300 - 13);
    expect(await stored(plain)).toEqual([]);
    expect((await stored(compacted)).map((r) => r.body).sort()).toEqual(
      Array.from({ length: 13 }, (_, i) => String(300 - 13 + i)).sort(),
    );
  });

  it('cleans by itself every cleanupIntervalMs, more rows than one delete takes', async () => {
    const bus = await newBus({ cleanupIntervalMs: 50, retentionMs: 1 });
    const topic = await newTopic(bus, 1);
    await bus.publish(
      topic,
      Array.from({ length: 12_000 }, (_, i) => msg(`k${i % 50}`, String(i))),
    );
    await waitFor(async () => (await stored(topic)).length === 0, { what: 'the periodic cleaning' });
  });
});
