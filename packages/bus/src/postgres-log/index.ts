import { BroadcastChannel } from 'node:worker_threads';
import { queryRows } from '@klaxon/db';
import { sql } from 'drizzle-orm';
import { deadLetterSink } from '../dead-letter';
import type { Bus } from '../port';
import { type CleanResult, createLogCleaner } from './cleaner';
import { type LogSubscription, subscribeLog } from './consumer';
import { type PostgresLogBusOptions, resolveSettings } from './options';
import { type Appended, createPublisher } from './publish';
import { schemaSetup } from './schema-setup';
import { groupPartitions, partitions } from './tables';
import { createTopicCatalog } from './topic-catalog';
import { createWatermarks, type Watermarks } from './watermarks';

export type { CleanResult } from './cleaner';
export type { PostgresLogBusOptions } from './options';

export interface PostgresLogBus extends Bus {
  readonly kind: 'postgres-log';
  /**
   * Deletes now what retention and compaction allow (the bus also does it every cleanupIntervalMs);
   * for tests and maintenance.
   */
  cleanNow(): Promise<CleanResult>;
}
export { UnknownTopicError } from './topic-catalog';

/**
 * The bus as an append-only log table in PostgreSQL (the embedded server or any other), for the all-in-one mode. Creates or
 * migrates its schema `bus` first; when the database is away, this still resolves (the failure is
 * logged) and publish, ensureTopics and subscribe reject until it is back, as the Kafka bus does
 * while its brokers are away. The caller owns `db`: close() stops this bus, never the database.
 */
export async function createPostgresLogBus(options: PostgresLogBusOptions): Promise<PostgresLogBus> {
  const settings = resolveSettings(options);
  const { db } = options;
  const { log } = settings;
  const ensureSchema = schemaSetup(db);
  const catalog = createTopicCatalog(db, settings);
  const watermarks = createWatermarks(db, settings);
  const shared = shareAppends(options.appendsChannel, watermarks);
  const publisher = createPublisher({ db, settings, catalog, ensureSchema, appended: shared.appended });
  const subscriptions = new Set<LogSubscription>();
  let closed = false;

  try {
    await ensureSchema();
  } catch (err) {
    log.warn({ err }, 'bus_schema_setup_failed');
  }
  const cleaner = createLogCleaner({ db, settings, ensureSchema });

  const deadLetter = deadLetterSink({
    ensureTopic: (name) => catalog.ensure([{ name, partitions: 1, compacted: false }]),
    publish: (topic, messages) => publisher.publish(topic, messages),
  });

  return {
    kind: 'postgres-log',
    async ensureTopics(topics) {
      await ensureSchema();
      await catalog.ensure(topics);
    },
    publish: (topic, messages) => publisher.publish(topic, messages),
    async lag(group, topics) {
      const rows = await queryRows<{ topic: string; partition: number; lag: string | number }>(
        db,
        sql`select p.topic, p.partition, p.next_offset - coalesce(g.committed_offset, 0) as lag
          from ${partitions} p left join ${groupPartitions} g
            on g.consumer_group = ${group} and g.topic = p.topic and g.partition = p.partition
          where p.topic = any(${sql.param([...topics])}::text[])
          order by p.topic, p.partition`,
      );
      return rows.map((r) => ({ topic: r.topic, partition: r.partition, lag: Number(r.lag) }));
    },
    async subscribe(subscribeOptions) {
      if (closed) throw new Error('the bus is closed');
      await ensureSchema();
      const subscription = await subscribeLog(
        {
          db,
          settings,
          watermarks,
          deadLetter,
        },
        subscribeOptions,
      );
      subscriptions.add(subscription);
      void subscription.closed.then(() => subscriptions.delete(subscription));
      return subscription;
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    cleanNow: () => cleaner.cleanNow(),
    async close() {
      closed = true;
      // Cut short between two batches while the consumers drain.
      const cleaning = cleaner.stop();
      const stops = await Promise.allSettled([...subscriptions].map((s) => s.stop()));
      for (const stop of stops) {
        if (stop.status === 'rejected') log.warn({ err: stop.reason }, 'bus_consumer_stop_failed');
      }
      watermarks.stop();
      await Promise.all([publisher.close(), cleaning]);
      shared.close();
    },
  };
}

/**
 * This bus's appends advance its own watermarks at once; with a channel, they also advance those of
 * every other bus on the channel (the all-in-one's other thread), whose consumers would otherwise
 * only see them at their next poll.
 */
function shareAppends(channelName: string | undefined, watermarks: Watermarks) {
  if (!channelName) return { appended: watermarks.advance, close: () => undefined };
  const channel = new BroadcastChannel(channelName);
  channel.unref();
  channel.onmessage = (event) => watermarks.advance((event as { data: Appended[] }).data);
  return {
    appended(ends: Appended[]) {
      watermarks.advance(ends);
      channel.postMessage(ends);
    },
    close: () => channel.close(),
  };
}
