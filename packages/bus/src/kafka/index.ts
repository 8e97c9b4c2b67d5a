import { type Bus, deadLetterTopic } from '../port';
import { createKafkaAdmin } from './admin';
import { type KafkaSubscription, subscribeKafka } from './consumer';
import { deadLetterCopy } from './messages';
import { createKafkaClient, type KafkaBusOptions, resolveSettings } from './options';
import { createKafkaPublisher } from './producer';

export { PublishTimeoutError } from './batcher';
export type { KafkaBusOptions } from './options';

/** Dead-letter topics the bus makes on first use have one partition: they are for inspection, not throughput. */
const deadLetterPartitions = 1;

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
  const deadLetterTopics = new Map<string, Promise<void>>();
  let closed = false;

  const { topicPrefix } = settings;
  const physicalName = (name: string) => topicPrefix + name;
  const logicalTopic = (physical: string) =>
    physical.startsWith(topicPrefix) ? physical.slice(topicPrefix.length) : physical;

  const ensureDeadLetterTopic = (name: string): Promise<void> => {
    let ensured = deadLetterTopics.get(name);
    if (!ensured) {
      ensured = admin.ensureTopics([{ name, partitions: deadLetterPartitions, compacted: false }]);
      deadLetterTopics.set(name, ensured);
      // A failure is not remembered: the next dead letter tries again.
      ensured.catch(() => deadLetterTopics.delete(name));
    }
    return ensured;
  };

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
          deadLetter: async (message, info) => {
            const topic = physicalName(deadLetterTopic(message.topic));
            await ensureDeadLetterTopic(topic);
            await publisher.publish(topic, [deadLetterCopy(message, info)]);
          },
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
