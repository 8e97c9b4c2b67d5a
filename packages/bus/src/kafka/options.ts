import { type ISocketFactory, Kafka, logLevel, type RetryOptions } from 'kafkajs';
import type { Logger } from 'pino';
import { kafkajsLogCreator } from './log';

export interface KafkaBusOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Names this process to the brokers (quotas, broker logs). */
  clientId: string;
  log: Logger;
  /** A member that sends no heartbeat for this long loses its partitions (default 30 s; broker minimum 6 s). */
  sessionTimeoutMs?: number;
  /** First delay before a handler retry; it doubles per attempt (default 200 ms)... */
  retryBackoffMs?: number;
  /** ...up to this (default 5 s); transient failures are retried at this pace until they pass. */
  maxRetryBackoffMs?: number;
  /** TCP connect timeout per broker (default 3 s). */
  connectionTimeoutMs?: number;
  /** Timeout of one request to a broker (default 10 s). */
  requestTimeoutMs?: number;
  /**
   * Longest a publish() waits, queued or in flight, before it rejects (default 10 s). The ingest
   * hot path answers 5xx instead of holding the HTTP request while the brokers are away.
   */
  publishTimeoutMs?: number;
  /** kafkajs retries of one operation (connect, send, metadata): default 5 tries, 300 ms doubling to 3 s. */
  retry?: { retries?: number; initialRetryTimeMs?: number; maxRetryTimeMs?: number };
  /** Replication factor of created topics (default: min(3, brokers in the cluster)). */
  replicationFactor?: number;
  /**
   * Partitions one subscription handles at once (default 8, as the Postgres log works every partition
   * at once); each partition stays strictly ordered.
   */
  partitionsConsumedConcurrently?: number;
  /** Bounds of one produce round trip that carries queued publishes (defaults 5,000 messages, 1 MB). */
  maxBatchMessages?: number;
  maxBatchBytes?: number;
  /**
   * Prepended to every topic and consumer group name, invisible above the bus (delivered messages
   * carry the unprefixed topic). Lets test files share one broker without seeing each other.
   */
  topicPrefix?: string;
  /** Called once per Produce request sent to a broker (metrics; tests of the batching). */
  onProduceRequest?: () => void;
  /** How connections are opened (kafkajs' socketFactory): proxies, and tests that lose responses. */
  socketFactory?: ISocketFactory;
}

/** Options with every default applied; what the capability modules receive. */
export interface KafkaSettings {
  log: Logger;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxWaitTimeMs: number;
  retryBackoffMs: number;
  maxRetryBackoffMs: number;
  requestTimeoutMs: number;
  publishTimeoutMs: number;
  replicationFactor: number | undefined;
  partitionsConsumedConcurrently: number;
  maxBatchMessages: number;
  maxBatchBytes: number;
  topicPrefix: string;
  retry: RetryOptions;
  onProduceRequest: (() => void) | undefined;
}

export function resolveSettings(options: KafkaBusOptions): KafkaSettings {
  const sessionTimeoutMs = options.sessionTimeoutMs ?? 30_000;
  // A sixth of the session (capped at kafkajs' 3 s) leaves several missed beats before eviction, and
  // makes a member notice a rebalance quickly, which keeps joins of new members short.
  const heartbeatIntervalMs = Math.min(3_000, Math.max(100, Math.floor(sessionTimeoutMs / 6)));
  return {
    log: options.log,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    // An idle fetch returns after this long; it bounds how late stop() and heartbeats can be.
    maxWaitTimeMs: Math.min(1_000, heartbeatIntervalMs),
    retryBackoffMs: options.retryBackoffMs ?? 200,
    maxRetryBackoffMs: options.maxRetryBackoffMs ?? 5_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    publishTimeoutMs: options.publishTimeoutMs ?? 10_000,
    replicationFactor: options.replicationFactor,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 8,
    maxBatchMessages: options.maxBatchMessages ?? 5_000,
    maxBatchBytes: options.maxBatchBytes ?? 1_000_000,
    topicPrefix: options.topicPrefix ?? '',
    retry: {
      retries: options.retry?.retries ?? 5,
      initialRetryTime: options.retry?.initialRetryTimeMs ?? 300,
      maxRetryTime: options.retry?.maxRetryTimeMs ?? 3_000,
    },
    onProduceRequest: options.onProduceRequest,
  };
}

/** One kafkajs client per bus: producer, admin and every consumer share its settings and logging. */
export function createKafkaClient(options: KafkaBusOptions, settings: KafkaSettings): Kafka {
  return new Kafka({
    brokers: options.brokers,
    clientId: options.clientId,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: settings.requestTimeoutMs,
    retry: settings.retry,
    ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
    // kafkajs' INFO lines narrate every join and connect; only its warnings and errors are worth a log line.
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogCreator(settings.log),
  });
}
