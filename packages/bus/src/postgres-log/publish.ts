import { type Database, queryRows, sql } from '@klaxon/db';
import type { OutgoingMessage } from '../port';
import type { LogBusSettings } from './options';
import { partitionFor } from './partitioner';
import { type TopicCatalog, UnknownTopicError } from './topic-catalog';

/** Where a partition's log ends after a commit: the next offset it will assign. */
export interface Appended {
  topic: string;
  partition: number;
  nextOffset: number;
}

export interface Publisher {
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Refuses new publishes and waits for those queued or in flight to settle. */
  close(): Promise<void>;
}

interface Pending {
  topic: string;
  messages: readonly OutgoingMessage[];
  resolve(): void;
  reject(err: unknown): void;
}

export interface PublisherDeps {
  db: Database;
  settings: LogBusSettings;
  catalog: TopicCatalog;
  ensureSchema(): Promise<void>;
  /** After a commit: wakes this process's consumers of those partitions at once. */
  appended(ends: Appended[]): void;
}

/**
 * Appends messages to the log. Publishes made while an append is in flight wait and then go
 * together in the next one, so the hot path costs one round trip per batch, not per message.
 * Offsets come from the locked `partitions` rows, assigned in queue order, so one caller's messages
 * (and one key's, across awaited calls) keep their order.
 */
export function createPublisher(deps: PublisherDeps): Publisher {
  const { db, settings, catalog } = deps;
  const queue: Pending[] = [];
  let draining: Promise<void> = Promise.resolve();
  let running = false;
  let closed = false;

  /** Appends everything with one call of bus.append (0001_append_function.sql); resolves after the commit. */
  const append = async (batch: readonly Pending[], counts: ReadonlyMap<string, number>) => {
    const rows = batch.flatMap((p) => {
      const count = counts.get(p.topic) ?? 1;
      return p.messages.map((m) => ({ topic: p.topic, partition: partitionFor(m.key, count), message: m }));
    });
    const ended = await queryRows<{ out_topic: string; out_partition: number; out_next_offset: string }>(
      db,
      sql`select * from bus.append(
        ${sql.param(rows.map((r) => r.topic))}::text[],
        ${sql.param(rows.map((r) => r.partition))}::integer[],
        ${sql.param(rows.map((r) => r.message.key))}::text[],
        ${sql.param(rows.map((r) => r.message.value))}::bytea[],
        ${sql.param(rows.map((r) => JSON.stringify(r.message.headers ?? {})))}::jsonb[])`,
    );
    const ends = ended.map((e) => ({
      topic: e.out_topic,
      partition: e.out_partition,
      nextOffset: Number(e.out_next_offset),
    }));
    // Committed: whatever happens in these callbacks must not turn the publish into a failure.
    try {
      settings.onPublishTransaction?.(rows.length);
      deps.appended(ends);
    } catch (err) {
      settings.log.warn({ err }, 'bus_publish_notify_failed');
    }
  };

  const flush = async (batch: Pending[]) => {
    let counts: Map<string, number>;
    try {
      await deps.ensureSchema();
      counts = await catalog.partitionCounts([...new Set(batch.map((p) => p.topic))]);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const known = batch.filter((p) => {
      if (counts.has(p.topic)) return true;
      p.reject(new UnknownTopicError(p.topic));
      return false;
    });
    if (known.length === 0) return;
    try {
      await append(known, counts);
      for (const p of known) p.resolve();
    } catch (err) {
      if (known.length === 1) {
        known[0]?.reject(err);
        return;
      }
      // One caller's bad message must not fail the others it was batched with: each goes alone.
      settings.log.warn({ err, publishes: known.length }, 'bus_publish_batch_failed');
      for (const p of known) {
        await append([p], counts).then(p.resolve, p.reject);
      }
    }
  };

  const drain = async () => {
    // Let publishes made in the same turn of the event loop join the first transaction.
    await Promise.resolve();
    while (queue.length > 0) {
      let size = 0;
      let take = 0;
      while (
        take < queue.length &&
        (take === 0 || size + (queue[take]?.messages.length ?? 0) <= settings.maxBatchMessages)
      ) {
        size += queue[take]?.messages.length ?? 0;
        take++;
      }
      await flush(queue.splice(0, take));
    }
  };

  // One drain at a time; a publish queued while it winds down is picked up by the next one.
  const kick = () => {
    if (running) return;
    running = true;
    draining = drain().finally(() => {
      running = false;
      if (queue.length > 0) kick();
    });
  };

  return {
    publish(topic, outgoing) {
      if (closed) return Promise.reject(new Error('the bus is closed'));
      if (outgoing.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ topic, messages: outgoing, resolve, reject });
        kick();
      });
    },
    async close() {
      closed = true;
      while (running) await draining;
    },
  };
}
