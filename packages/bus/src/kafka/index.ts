import { deadLetterSink } from '../dead-letter';
import type { Bus } from '../port';
import { createKafkaAdmin } from './admin';
import { type KafkaSubscription, subscribeKafka } from './consumer';
import { createKafkaClient, type KafkaBusOptions, resolveSettings } from './options';
import { createKafkaPublisher } from './producer';

export { PublishTimeoutError } from './batcher';
export type { KafkaBusOptions } from './options';

/**
 * The bus on Apache Kafka. Connections are made on first use, so this resolves even while the
 * brokers are away; publish, ensureTopics and ping then reject.
 */
export async function createKafkaBus(options: KafkaBusOptions): Promise<Bus> {
  const settings = resolveSettings(options);
  const kafka = createKafkaClient(options, settings);
  const publisher = createKafkaPublisher(kafka, settings);
  const admin = createKafkaAdmin(kafka, settings);
  const subscriptions = new Set<KafkaSubscription>();
  let closed = false;

  const { topicPrefix } = settings;
  const physicalName = (name: string) => topicPrefix + name;
  const logicalTopic = (physical: string) =>
    physical.startsWith(topicPrefix) ? physical.slice(topicPrefix.length) : physical;

  const deadLetter = deadLetterSink({
    ensureTopic: (name) => admin.ensureTopics([{ name, partitions: 1, compacted: false }]),
    publish: (topic, messages) => publisher.publish(topic, messages),
    physicalName,
  });

  // After close nothing may reconnect: a lazily made client would keep the process alive.
  const open = () => {
    if (closed) throw new Error('the bus is closed');
  };

  return {
    kind: 'kafka',
    async ensureTopics(topics) {
      open();
      await admin.ensureTopics(topics.map((t) => ({ ...t, name: physicalName(t.name) })));
    },
    publish: (topic, messages) => publisher.publish(physicalName(topic), messages),
    async subscribe(subscribeOptions) {
      open();
      const subscription = await subscribeKafka(
        {
          kafka,
          settings,
          admin,
          physicalName,
          logicalTopic,
          deadLetter,
        },
        subscribeOptions,
      );
      subscriptions.add(subscription);
      void subscription.closed.then(() => subscriptions.delete(subscription));
      return subscription;
    },
    async ping() {
      open();
      await admin.ping();
    },
    async lag(group, topics) {
      const lags = await Promise.all(
        topics.map(async (topic) => {
          const [ends, committed] = await Promise.all([
            admin.topicEnds(physicalName(topic)),
            admin.committed(physicalName(group), physicalName(topic)),
          ]);
          const at = new Map(committed.map((c) => [c.partition, c.offset]));
          // A group that never committed starts at the beginning (fromBeginning), so all of it is lag.
          return ends.map((e) => ({
            topic,
            partition: e.partition,
            lag: Math.max(0, e.end - Math.max(0, at.get(e.partition) ?? 0)),
          }));
        }),
      );
      return lags.flat();
    },
    async close() {
      closed = true;
      const stops = await Promise.allSettled([...subscriptions].map((s) => s.stop()));
      for (const stop of stops) {
        if (stop.status === 'rejected') settings.log.warn({ err: stop.reason }, 'consumer_stop_failed');
      }
      await publisher.close();
      await admin.close();
    },
  };
}
