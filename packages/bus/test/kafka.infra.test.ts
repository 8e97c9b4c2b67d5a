import net from 'node:net';
import { infra, uniqueSuffix, waitFor } from '@klaxon/testing';
import { type ISocketFactory, Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { createKafkaBus, type KafkaBusOptions, PublishTimeoutError } from '../src/kafka';
import type { Bus, BusMessage } from '../src/port';
import { busContract } from './bus-contract';

const log = pino({ level: 'silent' });
const text = new TextEncoder();
const fromBytes = new TextDecoder();

function brokers(): string[] {
  if (infra.kafkaBrokers.length === 0) throw new Error('KLAXON_TEST_KAFKA_BROKERS is not set');
  return infra.kafkaBrokers;
}

const uniqueName = (base: string) => `t${uniqueSuffix()}.${base}`;

/** A separate client, as another process would be, with timeouts short enough for tests. */
const testBus = (options: Partial<KafkaBusOptions> = {}) =>
  createKafkaBus({
    brokers: brokers(),
    clientId: `klaxon-test-${uniqueSuffix()}`,
    log,
    // The broker's group.min.session.timeout.ms is 6 s by default; less is refused.
    sessionTimeoutMs: 6_000,
    retryBackoffMs: 20,
    maxRetryBackoffMs: 100,
    ...options,
  });

const unreachable = { brokers: ['127.0.0.1:1'], clientId: `klaxon-test-${uniqueSuffix()}`, log };

busContract('kafka', async () => ({
  newBus: () => testBus(),
  downBus: () =>
    createKafkaBus({
      ...unreachable,
      connectionTimeoutMs: 500,
      publishTimeoutMs: 3_000,
      retry: { retries: 1, initialRetryTimeMs: 50, maxRetryTimeMs: 100 },
    }),
  uniqueName,
  close: async () => undefined,
}));

describe('kafka bus: publishing', () => {
  const buses: Bus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  const busCountingProduceRequests = async (options: Partial<KafkaBusOptions> = {}) => {
    const counter = { produceRequests: 0 };
    const bus = await testBus({ ...options, onProduceRequest: () => counter.produceRequests++ });
    buses.push(bus);
    const topic = uniqueName('batching');
    await bus.ensureTopics([{ name: topic, partitions: 4, compacted: false }]);
    // Connects the producer (and gets its producer id) before counting.
    await bus.publish(topic, [{ key: 'warm-up', value: text.encode('warm-up') }]);
    counter.produceRequests = 0;
    return { bus, topic, counter };
  };

  it('carries publishes made while a send is in flight in one produce request', async () => {
    const { bus, topic, counter } = await busCountingProduceRequests();
    // 500 single-message publishes arriving over many turns of the event loop, as HTTP requests do.
    const publishes: Promise<void>[] = [];
    for (let i = 0; i < 500; i++) {
      publishes.push(bus.publish(topic, [{ key: `svc-${i % 7}`, value: text.encode(String(i)) }]));
      if (i % 5 === 4) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(publishes);
    expect(counter.produceRequests).toBeGreaterThan(1);
    // The publishes came over 100 turns of the event loop: fewer requests than turns means sends carried
    // publishes of later turns. How many fewer depends on the broker's round trip (20 to 67 seen on a
    // loaded 2-core machine), so the bound is the turns, not a guess at the timing.
    expect(counter.produceRequests).toBeLessThan(100);

    const got: BusMessage[] = [];
    await bus.subscribe({
      group: uniqueName('g'),
      topics: [topic],
      handler: async (m) => {
        got.push(m);
        return 'ok';
      },
    });
    await waitFor(() => got.length === 501, { what: 'every published message' });
    for (let k = 0; k < 7; k++) {
      const seqs = got.filter((m) => m.key === `svc-${k}`).map((m) => Number(fromBytes.decode(m.value)));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs).toHaveLength(Math.ceil((500 - k) / 7));
    }
  });

  it('bounds the messages one produce request carries', async () => {
    const { bus, topic, counter } = await busCountingProduceRequests({ maxBatchMessages: 100 });
    await Promise.all(
      Array.from({ length: 500 }, (_, i) => bus.publish(topic, [{ key: `k${i}`, value: text.encode(String(i)) }])),
    );
    expect(counter.produceRequests).toBeGreaterThanOrEqual(5);
    expect(counter.produceRequests).toBeLessThan(10);
  });

  it('rejects a publish within about ten seconds when no broker answers (default settings)', async () => {
    const bus = await createKafkaBus({ ...unreachable, clientId: `klaxon-test-${uniqueSuffix()}` });
    buses.push(bus);
    const begun = Date.now();
    const outcome = await bus.publish(uniqueName('nowhere'), [{ key: 'k', value: text.encode('lost?') }]).then(
      () => 'resolved',
      (err: unknown) => err,
    );
    expect(outcome).toBeInstanceOf(Error);
    expect(Date.now() - begun).toBeLessThan(11_000);
    // Whichever comes first: kafkajs giving up, or the publish deadline.
    if (outcome instanceof PublishTimeoutError) expect(Date.now() - begun).toBeGreaterThanOrEqual(9_900);
  });
});

describe('kafka bus: idempotent producer', () => {
  it('does not lose a publish that follows a send the broker took but never acknowledged', async () => {
    // Swallows what brokers send back while `deaf` is set, as a lost response would.
    let deaf = false;
    const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
      const socket = net.connect({ host, port }, onConnect);
      const emit = socket.emit.bind(socket);
      socket.emit = (event: string | symbol, ...args: unknown[]) =>
        event === 'data' && deaf ? true : emit(event, ...args);
      return socket;
    };
    const bus = await testBus({
      socketFactory,
      requestTimeoutMs: 1_000,
      retry: { retries: 1, initialRetryTimeMs: 100 },
    });
    try {
      const topic = uniqueName('idempotence');
      await bus.ensureTopics([{ name: topic, partitions: 1, compacted: false }]);
      const publish = (...bodies: string[]) =>
        bus.publish(
          topic,
          bodies.map((b) => ({ key: 'k', value: text.encode(b) })),
        );
      await publish('a1', 'a2');
      deaf = true;
      await expect(publish('b1', 'b2')).rejects.toThrow();
      deaf = false;
      // kafkajs rewinds its sequence numbers after a failed request; had the same producer sent this,
      // the broker would take it for a duplicate of b1, b2 (appended after all), answer success and drop it.
      await publish('c1', 'c2');

      const got: string[] = [];
      await bus.subscribe({
        group: uniqueName('g'),
        topics: [topic],
        handler: async (m) => {
          got.push(fromBytes.decode(m.value));
          return 'ok';
        },
      });
      await waitFor(() => got.includes('c2'), { what: 'the publish after the failure' });
      expect(got).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
    } finally {
      await bus.close();
    }
  });
});

describe('kafka bus: consuming', () => {
  const buses: Bus[] = [];
  // A plain kafkajs admin, to watch the group from outside the bus.
  const watcher = new Kafka({
    brokers: brokers(),
    clientId: `klaxon-test-${uniqueSuffix()}`,
    logLevel: logLevel.NOTHING,
  }).admin();
  beforeAll(() => watcher.connect());
  afterAll(() => watcher.disconnect());
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  const newBus = async () => {
    const bus = await testBus();
    buses.push(bus);
    return bus;
  };
  const body = (m: BusMessage) => fromBytes.decode(m.value);
  const gated = () => {
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { gate, open };
  };
  const oneTopic = async (bus: Bus) => {
    const topic = uniqueName('consuming');
    await bus.ensureTopics([{ name: topic, partitions: 1, compacted: false }]);
    await bus.publish(
      topic,
      ['one', 'two'].map((b) => ({ key: 'k', value: text.encode(b) })),
    );
    return topic;
  };

  it('stop lets the handler in flight finish, commits it, and hands out nothing more', async () => {
    const bus = await newBus();
    const topic = await oneTopic(bus);
    const group = uniqueName('g');
    const events: string[] = [];
    const { gate, open } = gated();
    const sub = await bus.subscribe({
      group,
      topics: [topic],
      handler: async (m) => {
        events.push(`start ${body(m)}`);
        if (body(m) === 'one') await gate;
        events.push(`done ${body(m)}`);
        return 'ok';
      },
    });
    await waitFor(() => events.length === 1, { what: 'first delivery' });
    const stopped = sub.stop().then(() => events.push('stopped'));
    setImmediate(open);
    await stopped;
    expect(events).toEqual(['start one', 'done one', 'stopped']);

    const after: string[] = [];
    await (await newBus()).subscribe({
      group,
      topics: [topic],
      handler: async (m) => {
        after.push(body(m));
        return 'ok';
      },
    });
    await waitFor(() => after.length >= 1, { what: 'the rest after a restart' });
    expect(after).toEqual(['two']);
  });

  it('commits the message in hand before a rebalance hands its partition on', async () => {
    const logLines: string[] = [];
    const first = await testBus({ log: pino({ level: 'info' }, { write: (line: string) => logLines.push(line) }) });
    buses.push(first);
    const topic = await oneTopic(first);
    const group = uniqueName('g');
    const seen: string[] = [];
    const { gate, open } = gated();
    await first.subscribe({
      group,
      topics: [topic],
      handler: async (m) => {
        seen.push(body(m));
        if (body(m) === 'one') await gate;
        return 'ok';
      },
    });
    await waitFor(() => seen.length === 1, { what: 'first delivery' });
    // A second member joins while the first is inside its handler: the group starts rebalancing.
    await (await newBus()).subscribe({
      group,
      topics: [topic],
      handler: async (m) => {
        seen.push(body(m));
        return 'ok';
      },
    });
    await waitFor(async () => (await watcher.describeGroups([group])).groups[0]?.state === 'PreparingRebalance', {
      what: 'the rebalance to begin',
    });
    // The first member learns of it from a heartbeat sent while its handler still works.
    await waitFor(() => logLines.some((line) => line.includes('"consumer_heartbeat_refused"')), {
      what: 'the first member to notice the rebalance',
    });
    open();
    await waitFor(() => seen.includes('two'), { what: 'the second message', timeoutMs: 30_000 });
    expect(seen).toEqual(['one', 'two']);
  });
});
