import { CompressionTypes, type Kafka, type Message, Partitioners } from 'kafkajs';
import type { OutgoingMessage } from '../port';
import { createBatcher, type TopicBatch } from './batcher';
import { lazyConnection } from './connection';
import { kafkaMessageSize, toKafkaMessage } from './messages';
import type { KafkaSettings } from './options';

export interface KafkaPublisher {
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Refuses new publishes, waits for queued ones, disconnects. */
  close(): Promise<void>;
}

/** Sends at least this large are compressed (gzip, built into kafkajs). */
const COMPRESS_FROM_BYTES = 256 * 1024;

/** Broker answers that prove a produce request was refused whole, because of the producer id's state. */
const producerStateErrors = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

function isProducerStateError(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (producerStateErrors.has((e as Error & { type?: string }).type ?? '')) return true;
  }
  return false;
}

/**
 * The bus's producer: acks=all, idempotent, murmur2 partitioning (same partitions as the Java
 * client), behind a batcher that carries concurrent publishes in one sendBatch.
 *
 * kafkajs' idempotent producer is safe only while its sends succeed: after a failed request it
 * rewinds its sequence numbers, so if the broker had in fact appended that batch, the next
 * (different) batch reuses the sequence and is either dropped by the broker as a "duplicate" while
 * reported as sent, or refused with OUT_OF_ORDER_SEQUENCE_NUMBER forever after. So after any failed
 * send the producer is replaced (a new producer id starts its sequences afresh), and a send refused
 * for the producer id's state (also what an id expired after a long idle gets) is retried once on
 * the new one: the broker appended none of it.
 */
export function createKafkaPublisher(kafka: Kafka, settings: KafkaSettings): KafkaPublisher {
  const { log } = settings;
  const producers = lazyConnection(() => {
    const producer = kafka.producer({
      idempotent: true,
      // Idempotence keeps order with up to 5 in flight, but kafkajs' sequence bookkeeping is only
      // sound with one; the batcher sends one request at a time anyway.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Passing the partitioner explicitly is also what silences kafkajs' v2 "switched default
      // partitioner" warning.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded (kafkajs' idempotent default is unbounded) so a down cluster fails the publish.
      retry: settings.retry,
    });
    const onProduceRequest = settings.onProduceRequest;
    if (onProduceRequest) {
      producer.on(producer.events.REQUEST, (event) => {
        if (event.payload.apiName === 'Produce') onProduceRequest();
      });
    }
    return producer;
  });

  const replaceProducer = () =>
    producers.reset().catch((err: unknown) => log.warn({ err }, 'producer_disconnect_failed'));

  const send = async (batch: TopicBatch<Message>[]): Promise<void> => {
    const bytes = batch.reduce((n, b) => n + b.messages.reduce((m, message) => m + kafkaMessageSize(message), 0), 0);
    // Big requests (a catalog outbox of 48 KB service snapshots) are gzipped: it keeps them well under
    // the broker's size limits and cuts their transfer. The hot path's small batches go uncompressed.
    const compression = bytes >= COMPRESS_FROM_BYTES ? CompressionTypes.GZIP : CompressionTypes.None;
    for (let attempt = 1; ; attempt++) {
      const producer = await producers.get();
      try {
        await producer.sendBatch({
          acks: -1,
          compression,
          // The broker's wait for in-sync replicas; below the request timeout so the broker answers first.
          timeout: Math.max(1_000, settings.requestTimeoutMs - 2_000),
          topicMessages: batch,
        });
        return;
      } catch (err) {
        await replaceProducer();
        const topics = batch.map((b) => b.topic);
        const messages = batch.reduce((n, b) => n + b.messages.length, 0);
        if (attempt === 1 && isProducerStateError(err)) {
          log.warn({ err, topics, messages }, 'producer_replaced_after_refusal');
          continue;
        }
        log.error({ err, topics, messages }, 'publish_failed');
        throw err;
      }
    }
  };

  const batcher = createBatcher<Message>({
    send,
    sizeOf: kafkaMessageSize,
    maxMessages: settings.maxBatchMessages,
    maxBytes: settings.maxBatchBytes,
    timeoutMs: settings.publishTimeoutMs,
  });

  return {
    publish: (topic, messages) => batcher.publish(topic, messages.map(toKafkaMessage)),
    async close() {
      await batcher.drain();
      await producers.reset();
    },
  };
}
