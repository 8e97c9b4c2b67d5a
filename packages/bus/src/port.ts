/**
 * The bus port: everything above the adapters (Kafka, Postgres log) sees only this.
 * Delivery is at-least-once; order is kept per key (one key, one partition).
 */

export interface OutgoingMessage {
  key: string;
  value: Uint8Array;
  headers?: Record<string, string>;
}

export interface BusMessage {
  topic: string;
  partition: number;
  /** Position in the partition, as a decimal string (Kafka offsets exceed 2^53 in theory). */
  offset: string;
  key: string;
  value: Uint8Array;
  headers: Record<string, string>;
  /** When the message was appended. */
  timestamp: Date;
}

/**
 * What a handler made of a message.
 * - ok: done; the offset is committed.
 * - retry: try again; the same message is delivered again after a backoff, holding its partition
 *   back (order per key is kept), until maxAttempts, then it is dead-lettered.
 * - dead-letter: the message can never succeed; it is copied to `<topic>.dead-letter` at once, without
 *   retries, and skipped.
 * - drop: the message is not for us or is stale; skipped.
 * A handler that throws counts as retry, set aside after three quick attempts (a permanent error
 * must not hold the partition), except that a transient error (the database or broker away
 * or busy: see transient-error.ts) is retried until it succeeds, however long that takes, and never
 * dead-lettered. A handler that meets such an error should throw it rather than answer retry.
 */
export type Outcome = 'ok' | 'retry' | 'dead-letter' | 'drop';

export type Handler = (message: BusMessage) => Promise<Outcome>;

/**
 * Takes the messages of one partition together, in order (up to `maxBatchSize`), so a consumer can
 * apply them in one transaction with set-based SQL. It returns one outcome for all of them or one per
 * message. A throw, or a `retry` at position i, means the work from i on was not done (the
 * transaction rolled back): the bus then delivers those messages one at a time, each as a batch of
 * one with its own retries and dead-lettering, so one bad message never holds back or sinks the others.
 */
export type BatchHandler = (messages: readonly BusMessage[]) => Promise<Outcome | readonly Outcome[]>;

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Keep only the latest message per key (Kafka cleanup.policy=compact). */
  compacted: boolean;
}

interface SubscribeCommon {
  /** Consumer group, `<service>.<purpose>`; members of one group share the partitions. */
  group: string;
  topics: string[];
  /**
   * Read-model mode: every instance reads every partition from the start, and nothing is
   * committed (for in-memory read models such as ingest's routing table).
   */
  readModel?: boolean;
  /**
   * Attempts before a message answered `retry` is dead-lettered (default 10); a permanent error is set
   * aside after at most 3 (PERMANENT_ERROR_ATTEMPTS), and transient errors do not count.
   */
  maxAttempts?: number;
}

/** A consumer takes messages one at a time (`handler`) or a partition's messages together (`batchHandler`). */
export type SubscribeOptions = SubscribeCommon &
  (
    | { handler: Handler; batchHandler?: undefined }
    | {
        batchHandler: BatchHandler;
        handler?: undefined;
        /** Messages per batch at most (default 500). */
        maxBatchSize?: number;
      }
  );

export interface Subscription {
  /** Resolves once the consumer holds its partitions and is fetching. */
  readonly started: Promise<void>;
  /** Stops fetching, waits for the handler's in-flight work, commits it, leaves the group. */
  stop(): Promise<void>;
  /**
   * Stops at once as a crash would: in-flight work is neither awaited nor committed, so another
   * member of the group receives it again. For fatal errors, and for tests of redelivery.
   */
  abort(): Promise<void>;
  /**
   * Resolves once this subscription has handled every message that was in its topics when called
   * (a read model is then as fresh as the log); rejects after timeoutMs. Lets ingest check a key it
   * does not know against the catalog's latest changes before refusing it.
   */
  caughtUp(timeoutMs: number): Promise<void>;
}

export interface Bus {
  readonly kind: 'kafka' | 'postgres-log';
  /** Creates topics that are missing (explicitly, never by auto-creation). */
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /**
   * Appends messages to a topic and resolves only when they are durable (Kafka: acks=all).
   * Rejects when the backend cannot take them; nothing is reported as sent that was not.
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Resolves when the backend answers; used by /readyz. */
  ping(): Promise<void>;
  /**
   * How far a consumer group is behind, per partition of its topics: appended but not yet committed
   * messages (for /metrics; a storm shows as growing lag).
   */
  lag(group: string, topics: readonly string[]): Promise<PartitionLag[]>;
  /** Stops every subscription (draining them) and disconnects. */
  close(): Promise<void>;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

export const deadLetterTopic = (topic: string): string => `${topic}.dead-letter`;
