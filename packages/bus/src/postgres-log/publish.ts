import { type Database, insertMany } from '@klaxon/db';
import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { OutgoingMessage } from '../port';
import type { LogBusSettings } from './options';
import { partitionFor } from './partitioner';
import { messages, partitions } from './tables';
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

const pairKey = (topic: string, partition: number) => JSON.stringify([topic, partition]);

/**
 * Appends messages to the log. Publishes made while a transaction is in flight wait and then go
 * together in the next one, so the hot path costs one transaction per batch, not per message.
 * Offsets come from the locked `partitions` rows, assigned in queue order, so one caller's messages
 * (and one key's, across awaited calls) keep their order.
 */
export function createPublisher(deps: PublisherDeps): Publisher {
  const { db, settings, catalog } = deps;
  const queue: Pending[] = [];
  let draining: Promise<void> = Promise.resolve();
  let running = false;
  let closed = false;

  /** Appends everything in one transaction; resolves after the commit. */
  const append = async (batch: readonly Pending[], counts: ReadonlyMap<string, number>) => {
    const rows = batch.flatMap((p) => {
      const count = counts.get(p.topic) ?? 1;
      return p.messages.map((m) => ({
        topic: p.topic,
        partition: partitionFor(m.key, count),
        key: m.key,
        value: m.value,
        headers: m.headers ?? {},
      }));
    });
    const touched = new Map<string, { topic: string; partition: number }>();
    for (const r of rows) touched.set(pairKey(r.topic, r.partition), { topic: r.topic, partition: r.partition });
    const ends = await db.transaction(async (tx) => {
      // Locked in one order by every publisher, so concurrent appends cannot deadlock; held until commit.
      const locked = await tx
        .select({ topic: partitions.topic, partition: partitions.partition, nextOffset: partitions.nextOffset })
        .from(partitions)
        .where(
          or(
            ...[...touched.values()].map((t) =>
              and(eq(partitions.topic, t.topic), eq(partitions.partition, t.partition)),
            ),
          ),
        )
        .orderBy(asc(partitions.topic), asc(partitions.partition))
        .for('update');
      const next = new Map(locked.map((l) => [pairKey(l.topic, l.partition), l.nextOffset]));
      const withOffsets = rows.map((r) => {
        const key = pairKey(r.topic, r.partition);
        const offset = next.get(key);
        if (offset === undefined) throw new Error(`partition ${r.partition} of topic "${r.topic}" does not exist`);
        next.set(key, offset + 1);
        return { ...r, offset };
      });
      await insertMany(tx, messages, withOffsets);
      const result = locked.map((l) => ({
        topic: l.topic,
        partition: l.partition,
        nextOffset: next.get(pairKey(l.topic, l.partition)) ?? l.nextOffset,
      }));
      await tx.execute(sql`
        update ${partitions} set next_offset = v.next_offset
        from unnest(
          ${sql.param(result.map((r) => r.topic))}::text[],
          ${sql.param(result.map((r) => r.partition))}::int[],
          ${sql.param(result.map((r) => r.nextOffset))}::bigint[]
        ) as v(topic, partition, next_offset)
        where ${partitions.topic} = v.topic and ${partitions.partition} = v.partition`);
      return result;
    });
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
