import type { Database } from '@klaxon/db';
import type { Logger } from 'pino';

export interface PostgresLogBusOptions {
  /** The database the log lives in (schema `bus`); the caller owns the handle and closes it. */
  db: Database;
  log: Logger;
  /** A member that stops heartbeating for this long is gone and its partition leases expire (default 10 s). */
  sessionTimeoutMs?: number;
  /** How often consumers look for messages other processes appended (default 100 ms). */
  pollMs?: number;
  /** First delay before a handler retry; it doubles per attempt (default 200 ms)... */
  retryBackoffMs?: number;
  /** ...up to this (default 5 s); transient failures are retried at this pace until they pass. */
  maxRetryBackoffMs?: number;
  /** Messages of topics that are not compacted are deleted once older than this (default 7 days, as Kafka's). */
  retentionMs?: number;
  /**
   * In compacted topics, a message that a newer one of its key supersedes is deleted once older than
   * this (default 1 hour); the latest message of every key is kept forever.
   */
  compactionLagMs?: number;
  /** How often this bus deletes what retention and compaction allow (default 10 min; 0 turns it off). */
  cleanupIntervalMs?: number;
  /**
   * A BroadcastChannel name shared with the buses of this process's other threads on the same
   * database: each one's appends wake the others' consumers at once (the all-in-one's two threads).
   */
  appendsChannel?: string;
  /** Called once per committed publish transaction with its message count (metrics; tests of the batching). */
  onPublishTransaction?: (messages: number) => void;
}

/** Options with every default applied; what the capability modules receive. */
export interface LogBusSettings {
  log: Logger;
  sessionTimeoutMs: number;
  /** A member renews its membership and leases, and rebalances, this often. */
  heartbeatMs: number;
  pollMs: number;
  retryBackoffMs: number;
  maxBackoffMs: number;
  /** Rows read per fetch of one partition. */
  fetchLimit: number;
  /** Inside a long run of messages, the committed position is at most this old (bounds redelivery). */
  commitIntervalMs: number;
  /** Messages carried by one publish transaction at most; the rest wait for the next one. */
  maxBatchMessages: number;
  onPublishTransaction: ((messages: number) => void) | undefined;
  retentionMs: number;
  compactionLagMs: number;
  /** 0: no periodic cleaning (cleanNow() still works). */
  cleanupIntervalMs: number;
  /** The first periodic cleaning runs this long after start. */
  firstCleanupDelayMs: number;
  /** Rows one delete statement removes at most, so no delete holds locks, a connection or the WAL for long. */
  cleanupBatchRows: number;
}

export function resolveSettings(options: PostgresLogBusOptions): LogBusSettings {
  const sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 100;
  const cleanupIntervalMs = options.cleanupIntervalMs ?? 600_000;
  return {
    log: options.log,
    sessionTimeoutMs,
    // Four beats per session: a member survives two or three slow or failed passes before its leases lapse.
    heartbeatMs: Math.max(20, Math.floor(sessionTimeoutMs / 4)),
    pollMs,
    retryBackoffMs: options.retryBackoffMs ?? 200,
    maxBackoffMs: options.maxRetryBackoffMs ?? 5_000,
    // A batch consumer's batch is at most one fetch.
    fetchLimit: 500,
    commitIntervalMs: 1_000,
    maxBatchMessages: 5_000,
    onPublishTransaction: options.onPublishTransaction,
    retentionMs: options.retentionMs ?? 7 * 24 * 3_600_000,
    compactionLagMs: options.compactionLagMs ?? 3_600_000,
    cleanupIntervalMs,
    firstCleanupDelayMs: Math.min(cleanupIntervalMs, 30_000),
    cleanupBatchRows: 10_000,
  };
}
