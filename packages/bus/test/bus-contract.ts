import { waitFor } from '@klaxon/testing';
import type { Bus, BusMessage, Outcome, Subscription, TopicSpec } from '../src/port';
import { body, msg } from './test-messages';

/** How a contract run gets buses: each `newBus` is a separate client, as another process would be. */
export interface BusFixture {
  newBus(): Promise<Bus>;
  /** A bus whose backend is unreachable or gone. */
  downBus(): Promise<Bus>;
  /** A topic name no other test uses. */
  uniqueName(base: string): string;
  close(): Promise<void>;
}

/** The one contract both adapters honour; run by each adapter's integration test. */
export function busContract(name: string, makeFixture: () => Promise<BusFixture>): void {
  describe(`bus contract: ${name}`, () => {
    let fixture: BusFixture;
    const buses: Bus[] = [];
    const newBus = async () => {
      const bus = await fixture.newBus();
      buses.push(bus);
      return bus;
    };
    const topic = async (bus: Bus, partitions = 4): Promise<TopicSpec> => {
      const spec = { name: fixture.uniqueName('contract'), partitions, compacted: false };
      await bus.ensureTopics([spec]);
      return spec;
    };
    const collect = (into: BusMessage[], outcome: (m: BusMessage) => Outcome = () => 'ok') => {
      return async (m: BusMessage): Promise<Outcome> => {
        into.push(m);
        return outcome(m);
      };
    };

    beforeAll(async () => {
      fixture = await makeFixture();
    });
    afterEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.close()));
    });
    afterAll(async () => {
      await fixture.close();
    });

    it('delivers every message and keeps the order of each key', async () => {
      const bus = await newBus();
      const t = await topic(bus);
      const keys = ['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-e'];
      // Concurrent publishes, as the ingest hot path makes them.
      await Promise.all(
        keys.map(async (key) => {
          for (let seq = 0; seq < 40; seq += 4) {
            await bus.publish(
              t.name,
              [0, 1, 2, 3].map((i) => msg(key, `${key}:${seq + i}`)),
            );
          }
        }),
      );
      const got: BusMessage[] = [];
      await bus.subscribe({ group: fixture.uniqueName('g'), topics: [t.name], handler: collect(got) });
      await waitFor(() => got.length >= 200, { what: '200 messages' });
      for (const key of keys) {
        const seqs = got.filter((m) => m.key === key).map((m) => Number(body(m).split(':')[1]));
        expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i));
      }
      const perKeyPartitions = new Set(got.filter((m) => m.key === 'svc-a').map((m) => m.partition));
      expect(perKeyPartitions.size).toBe(1);
    });

    it('redelivers a message whose consumer died before committing it', async () => {
      const first = await newBus();
      const t = await topic(first, 1);
      const group = fixture.uniqueName('g');
      await first.publish(t.name, [msg('k', 'one'), msg('k', 'two')]);

      const seenByFirst: BusMessage[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const dying = await first.subscribe({
        group,
        topics: [t.name],
        handler: async (m) => {
          seenByFirst.push(m);
          await gate;
          return 'ok';
        },
      });
      await waitFor(() => seenByFirst.length === 1, { what: 'first delivery' });
      const aborted = dying.abort();
      release();
      await aborted;

      const second = await newBus();
      const seenBySecond: BusMessage[] = [];
      await second.subscribe({ group, topics: [t.name], handler: collect(seenBySecond) });
      await waitFor(() => seenBySecond.length >= 2, { what: 'redelivery', timeoutMs: 30_000 });
      expect(seenBySecond.map(body)).toEqual(['one', 'two']);
      expect(seenBySecond[0]?.offset).toBe(seenByFirst[0]?.offset);
    });

    it('shares the partitions of a topic between two consumers of one group', async () => {
      const producer = await newBus();
      const t = await topic(producer, 4);
      const group = fixture.uniqueName('g');
      const a: BusMessage[] = [];
      const b: BusMessage[] = [];
      const subA = await (await newBus()).subscribe({ group, topics: [t.name], handler: collect(a) });
      const subB = await (await newBus()).subscribe({ group, topics: [t.name], handler: collect(b) });
      await Promise.all([subA.started, subB.started]);
      let n = 0;
      // Keep publishing over many keys until both members have work; bounded by waitFor's timeout.
      await waitFor(
        async () => {
          await producer.publish(
            t.name,
            Array.from({ length: 8 }, () => msg(`key-${n}`, `m-${n++}`)),
          );
          return a.length > 0 && b.length > 0;
        },
        { what: 'both members to receive messages', timeoutMs: 60_000, intervalMs: 200 },
      );
      await waitFor(() => new Set([...a, ...b].map(body)).size === n, { what: 'every message' });
      const partitionsOfA = new Set(a.map((m) => m.partition));
      const partitionsOfB = new Set(b.map((m) => m.partition));
      expect(partitionsOfA.size).toBeGreaterThan(0);
      expect(partitionsOfB.size).toBeGreaterThan(0);
    });

    it('resumes a group after a restart from its committed offsets', async () => {
      const group = fixture.uniqueName('g');
      const before = await newBus();
      const t = await topic(before, 2);
      await before.publish(
        t.name,
        ['1', '2', '3', '4', '5'].map((n) => msg(`k${n}`, n)),
      );
      const firstRun: BusMessage[] = [];
      const sub = await before.subscribe({ group, topics: [t.name], handler: collect(firstRun) });
      await waitFor(() => firstRun.length === 5, { what: 'first run' });
      await sub.stop();
      await before.close();

      const after = await newBus();
      await after.publish(
        t.name,
        ['6', '7', '8'].map((n) => msg(`k${n}`, n)),
      );
      const secondRun: BusMessage[] = [];
      await after.subscribe({ group, topics: [t.name], handler: collect(secondRun) });
      await waitFor(() => secondRun.length >= 3, { what: 'second run', timeoutMs: 30_000 });
      expect(secondRun.map(body).sort()).toEqual(['6', '7', '8']);
    });

    it('retries a message in place before moving on, and dead-letters what cannot succeed', async () => {
      const bus = await newBus();
      const t = await topic(bus, 1);
      await bus.ensureTopics([{ name: `${t.name}.dead-letter`, partitions: 1, compacted: false }]);
      await bus.publish(t.name, [msg('k', 'flaky'), msg('k', 'poison'), msg('k', 'after')]);
      const attempts: string[] = [];
      let flakyFailures = 0;
      await bus.subscribe({
        group: fixture.uniqueName('g'),
        topics: [t.name],
        maxAttempts: 5,
        handler: async (m) => {
          attempts.push(body(m));
          if (body(m) === 'flaky' && flakyFailures++ < 2) return 'retry';
          if (body(m) === 'poison') throw new Error('cannot handle poison');
          return 'ok';
        },
      });
      const dead: BusMessage[] = [];
      await bus.subscribe({
        group: fixture.uniqueName('g'),
        topics: [`${t.name}.dead-letter`],
        handler: collect(dead),
      });
      await waitFor(() => attempts.includes('after') && dead.length === 1, { what: 'retries', timeoutMs: 30_000 });
      // A retry answer gets maxAttempts; a permanent error is set aside after three quick attempts.
      expect(attempts).toEqual(['flaky', 'flaky', 'flaky', 'poison', 'poison', 'poison', 'after']);
      expect(body(dead[0] as BusMessage)).toBe('poison');
      expect(dead[0]?.key).toBe('k');
    });

    /** A real-shaped node connect error: what pg throws while PostgreSQL is down. */
    const connectionRefused = () =>
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
        code: 'ECONNREFUSED',
        errno: -111,
        syscall: 'connect',
        address: '127.0.0.1',
        port: 5432,
      });

    /** Appends a sentinel to the dead-letter topic and returns what arrived there up to it. */
    const deadLetters = async (bus: Bus, t: TopicSpec): Promise<string[]> => {
      const dead: BusMessage[] = [];
      await bus.subscribe({
        group: fixture.uniqueName('g'),
        topics: [`${t.name}.dead-letter`],
        handler: collect(dead),
      });
      await bus.publish(`${t.name}.dead-letter`, [msg('k', 'sentinel')]);
      await waitFor(() => dead.some((m) => body(m) === 'sentinel'), { what: 'dead-letter sentinel' });
      return dead.map(body).filter((b) => b !== 'sentinel');
    };

    it('retries a transient failure (a connection error) past maxAttempts until it succeeds, never dead-lettering it', async () => {
      const bus = await newBus();
      const t = await topic(bus, 1);
      await bus.ensureTopics([{ name: `${t.name}.dead-letter`, partitions: 1, compacted: false }]);
      await bus.publish(t.name, [msg('k', 'outage'), msg('k', 'after')]);
      const attempts: string[] = [];
      let failures = 0;
      await bus.subscribe({
        group: fixture.uniqueName('g'),
        topics: [t.name],
        maxAttempts: 3,
        handler: async (m) => {
          attempts.push(body(m));
          if (body(m) === 'outage' && failures++ < 20) throw connectionRefused();
          return 'ok';
        },
      });
      await waitFor(() => attempts.includes('after'), { what: 'the outage to pass', timeoutMs: 30_000 });
      expect(attempts).toEqual([...new Array<string>(21).fill('outage'), 'after']);
      expect(await deadLetters(bus, t)).toEqual([]);
    });

    it('retries a batch that fails transiently message by message until it succeeds, never dead-lettering', async () => {
      const bus = await newBus();
      const t = await topic(bus, 1);
      await bus.ensureTopics([{ name: `${t.name}.dead-letter`, partitions: 1, compacted: false }]);
      await bus.publish(
        t.name,
        ['a', 'b', 'c'].map((b) => msg('k', b)),
      );
      const applied: string[] = [];
      let failures = 0;
      await bus.subscribe({
        group: fixture.uniqueName('g'),
        topics: [t.name],
        maxAttempts: 3,
        batchHandler: async (messages) => {
          // The database is away for the first 20 calls, batch or single.
          if (failures++ < 20) throw connectionRefused();
          applied.push(...messages.map(body));
          return 'ok';
        },
      });
      await waitFor(() => applied.includes('c'), { what: 'the outage to pass', timeoutMs: 30_000 });
      expect(applied).toEqual(['a', 'b', 'c']);
      expect(await deadLetters(bus, t)).toEqual([]);
    });

    it('dead-letters a rejected message at its first attempt, without retries, and moves on', async () => {
      const bus = await newBus();
      const t = await topic(bus, 1);
      await bus.ensureTopics([{ name: `${t.name}.dead-letter`, partitions: 1, compacted: false }]);
      await bus.publish(t.name, [msg('k', 'poison'), msg('k', 'after')]);
      const attempts: string[] = [];
      await bus.subscribe({
        group: fixture.uniqueName('g'),
        topics: [t.name],
        maxAttempts: 10,
        handler: async (m) => {
          attempts.push(body(m));
          return body(m) === 'poison' ? 'dead-letter' : 'ok';
        },
      });
      await waitFor(() => attempts.includes('after'), { what: 'the next message' });
      expect(attempts).toEqual(['poison', 'after']);
      expect(await deadLetters(bus, t)).toEqual(['poison']);
    });

    it('hands a batch subscriber the messages of a partition together, in order, and commits them after', async () => {
      const bus = await newBus();
      const t = await topic(bus, 1);
      const group = fixture.uniqueName('g');
      await bus.publish(
        t.name,
        Array.from({ length: 60 }, (_, i) => msg('k', String(i))),
      );
      const batches: string[][] = [];
      const sub = await bus.subscribe({
        group,
        topics: [t.name],
        maxBatchSize: 25,
        batchHandler: async (messages) => {
          batches.push(messages.map(body));
          return 'ok';
        },
      });
      await waitFor(() => batches.flat().length >= 60, { what: '60 messages' });
      expect(batches.flat()).toEqual(Array.from({ length: 60 }, (_, i) => String(i)));
      expect(Math.max(...batches.map((b) => b.length))).toBeGreaterThan(1);
      expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(25);
      await sub.stop();
      // Committed: a restarted member of the group gets only what came after.
      await bus.publish(t.name, [msg('k', 'later')]);
      const again: string[] = [];
      await bus.subscribe({
        group,
        topics: [t.name],
        batchHandler: async (messages) => {
          again.push(...messages.map(body));
          return 'ok';
        },
      });
      await waitFor(() => again.length >= 1, { what: 'the later message', timeoutMs: 30_000 });
      expect(again).toEqual(['later']);
    });

    it('retries a failed batch one message at a time, so only the poison message is dead-lettered', async () => {
      const bus = await newBus();
      const t = await topic(bus, 1);
      await bus.ensureTopics([{ name: `${t.name}.dead-letter`, partitions: 1, compacted: false }]);
      await bus.publish(
        t.name,
        ['a', 'b', 'poison', 'c', 'skip', 'd'].map((b) => msg('k', b)),
      );
      const applied: string[] = [];
      let flaky = 1;
      await bus.subscribe({
        group: fixture.uniqueName('g'),
        topics: [t.name],
        maxAttempts: 3,
        batchHandler: async (messages) => {
          const bodies = messages.map(body);
          // As a transaction would: one poison message rolls back the whole batch.
          if (bodies.includes('poison')) throw new Error('cannot handle poison');
          // A retry at a position: the work from there on is redone alone.
          const retryAt = bodies.indexOf('c');
          if (retryAt >= 0 && flaky-- > 0) {
            applied.push(...bodies.slice(0, retryAt));
            return bodies.map((_, i) => (i === retryAt ? 'retry' : 'ok'));
          }
          const outcomes = bodies.map((b) => (b === 'skip' ? 'drop' : 'ok'));
          applied.push(...bodies.filter((b) => b !== 'skip'));
          return outcomes;
        },
      });
      const dead: BusMessage[] = [];
      await bus.subscribe({
        group: fixture.uniqueName('g'),
        topics: [`${t.name}.dead-letter`],
        handler: collect(dead),
      });
      await waitFor(() => applied.includes('d') && dead.length === 1, { what: 'the batch settled', timeoutMs: 30_000 });
      expect(dead.map(body)).toEqual(['poison']);
      expect(applied).toEqual(['a', 'b', 'c', 'd']);
    });

    it('runs a batch that lost a race (a deadlock) again whole, not message by message', async () => {
      const bus = await newBus();
      const t = await topic(bus, 1);
      await bus.publish(
        t.name,
        ['a', 'b', 'c'].map((b) => msg('k', b)),
      );
      const calls: string[][] = [];
      await bus.subscribe({
        group: fixture.uniqueName('g'),
        topics: [t.name],
        batchHandler: async (messages) => {
          calls.push(messages.map(body));
          // PostgreSQL's deadlock_detected, as pg raises it, on the first two runs.
          if (calls.length <= 2) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
          return 'ok';
        },
      });
      await waitFor(() => calls.length >= 3, { what: 'the third run' });
      expect(calls).toEqual([
        ['a', 'b', 'c'],
        ['a', 'b', 'c'],
        ['a', 'b', 'c'],
      ]);
    });

    it('gives every read-model subscriber the whole topic from the start, every time', async () => {
      const bus = await newBus();
      const t = await topic(bus, 2);
      await bus.publish(t.name, [msg('a', '1'), msg('b', '2'), msg('c', '3')]);
      const one: BusMessage[] = [];
      const two: BusMessage[] = [];
      const group = fixture.uniqueName('rm');
      const first: Subscription = await bus.subscribe({
        group,
        topics: [t.name],
        readModel: true,
        handler: collect(one),
      });
      await (await newBus()).subscribe({ group, topics: [t.name], readModel: true, handler: collect(two) });
      await waitFor(() => one.length === 3 && two.length === 3, { what: 'both read models' });
      await first.stop();
      const again: BusMessage[] = [];
      await bus.subscribe({ group, topics: [t.name], readModel: true, handler: collect(again) });
      await waitFor(() => again.length === 3, { what: 'replay after restart' });
      expect(again.map(body).sort()).toEqual(['1', '2', '3']);
    });

    it('tells when a subscription has caught up with everything appended before the call', async () => {
      const bus = await newBus();
      const t = await topic(bus, 3);
      await bus.publish(
        t.name,
        Array.from({ length: 30 }, (_, i) => msg(`k${i % 7}`, String(i))),
      );
      const got: BusMessage[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const sub = await bus.subscribe({
        group: fixture.uniqueName('rm'),
        topics: [t.name],
        readModel: true,
        handler: async (m) => {
          await gate;
          got.push(m);
          return 'ok';
        },
      });
      // Held back by the gate, it cannot be caught up yet.
      await expect(sub.caughtUp(300)).rejects.toThrow();
      release();
      await sub.caughtUp(15_000);
      expect(got).toHaveLength(30);
      await bus.publish(t.name, [msg('late', '30')]);
      await sub.caughtUp(15_000);
      expect(got.map(body)).toContain('30');
    });

    it('fails a publish loudly when the backend is down', async () => {
      const down = await fixture.downBus();
      await expect(down.publish(fixture.uniqueName('nowhere'), [msg('k', 'lost?')])).rejects.toThrow();
      await down.close().catch(() => undefined);
    });
  });
}
