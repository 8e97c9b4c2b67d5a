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
 * - retry: a transient failure; the same message is delivered again after a backoff, holding its
 *   partition back (order per key is kept), until maxAttempts, then it is dead-lettered.
 * - dead-letter: the message can never succeed; it is copied to `<topic>.dead-letter` and skipped.
 * - drop: the message is not for us or is stale; skipped.
 * A handler that throws counts as retry.
 */
export type Outcome = 'ok' | 'retry' | 'dead-letter' | 'drop';

export type Handler = (message: BusMessage) => Promise<Outcome>;

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Keep only the latest message per key (Kafka cleanup.policy=compact). */
  compacted: boolean;
}

export interface SubscribeOptions {
  /** Consumer group, `<service>.<purpose>`; members of one group share the partitions. */
  group: string;
  topics: string[];
  handler: Handler;
  /**
   * Read-model mode: every instance reads every partition from the start, and nothing is
   * committed (for in-memory read models such as ingest's routing table).
   */
  readModel?: boolean;
  /** Attempts before a retried message is dead-lettered (default 10). */
  maxAttempts?: number;
}

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
  /** Stops every subscription (draining them) and disconnects. */
  close(): Promise<void>;
}

export const deadLetterTopic = (topic: string): string => `${topic}.dead-letter`;
