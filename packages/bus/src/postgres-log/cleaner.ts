import { setImmediate as yieldTurn } from 'node:timers/promises';
import { type Database, queryRows } from '@klaxon/db';
import { sql } from 'drizzle-orm';
import type { LogBusSettings } from './options';
import { messages, partitions, topics } from './tables';

/** What one cleaning deleted. */
export interface CleanResult {
  /** Messages of topics that are not compacted, older than the retention. */
  expired: number;
  /** Messages of compacted topics that a newer message of their key supersedes. */
  compacted: number;
}

export interface LogCleaner {
  /** Cleans now (after a cleaning already running, if any); rejects when the database fails. */
  cleanNow(): Promise<CleanResult>;
  /** Ends the periodic cleaning, and waits for a cleaning in flight (cut short between batches). */
  stop(): Promise<void>;
}

export interface CleanerDeps {
  db: Database;
  settings: Pick<
    LogBusSettings,
    'log' | 'retentionMs' | 'compactionLagMs' | 'cleanupIntervalMs' | 'firstCleanupDelayMs' | 'cleanupBatchRows'
  >;
  /** Creates or migrates schema `bus` (again, when the database was away at start). */
  ensureSchema(): Promise<void>;
}

interface ExpiredRange {
  topic: string;
  partition: number;
  oldest: number;
  keepFrom: number;
}

/** `now() - ms`, on the database's clock: the clock that stamped appended_at. */
const olderThan = (ms: number) => sql`now() - ${ms}::bigint * interval '1 millisecond'`;

/**
 * Deletes what Kafka's cleanup policies would: time retention on ordinary topics, and compaction
 * (the latest message per key kept forever, deletion markers included) on compacted ones. Offsets
 * never change; consumers skip the holes. Every delete is idempotent and removes at most
 * cleanupBatchRows rows, so cleaners in several processes are harmless, and no statement holds a
 * pooled connection or its locks for long.
 */
export function createLogCleaner(deps: CleanerDeps): LogCleaner {
  const { db, settings } = deps;
  const { log, cleanupBatchRows: batch } = settings;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<CleanResult> = Promise.resolve({ expired: 0, compacted: 0 });

  /**
   * Retention deletes a prefix of each partition, as Kafka drops whole old segments: every offset
   * below the first message still within the retention (or below the end, when none is). Both
   * look-ups walk the primary key from the partition's start over rows about to be deleted only.
   */
  const expiredRanges = () =>
    queryRows<{ topic: string; partition: number; oldest: string | number | null; keep_from: string | number }>(
      db,
      sql`
      select p.topic, p.partition,
        (select m."offset" from ${messages} m
          where m.topic = p.topic and m.partition = p.partition order by m."offset" limit 1) as oldest,
        coalesce(
          (select m."offset" from ${messages} m
            where m.topic = p.topic and m.partition = p.partition and m.appended_at >= ${olderThan(settings.retentionMs)}
            order by m."offset" limit 1),
          p.next_offset) as keep_from
      from ${partitions} p join ${topics} t on t.name = p.topic
      where not t.compacted`,
    ).then((rows) =>
      rows.flatMap((r): ExpiredRange[] =>
        r.oldest === null || Number(r.oldest) >= Number(r.keep_from)
          ? []
          : [{ topic: r.topic, partition: r.partition, oldest: Number(r.oldest), keepFrom: Number(r.keep_from) }],
      ),
    );

  const expire = async (range: ExpiredRange): Promise<number> => {
    let deleted = 0;
    // Ranges of at most `batch` offsets: an ordinary topic's partition has no holes above its oldest row.
    for (let from = range.oldest; from < range.keepFrom && !stopped; from += batch) {
      const to = Math.min(from + batch, range.keepFrom);
      const [row] = await queryRows<{ deleted: number }>(
        db,
        sql`
        with gone as (
          delete from ${messages}
          where topic = ${range.topic} and partition = ${range.partition} and "offset" >= ${from} and "offset" < ${to}
          returning 1
        )
        select count(*)::integer as deleted from gone`,
      );
      deleted += row?.deleted ?? 0;
      await yieldTurn();
    }
    return deleted;
  };

  const compactedPartitions = () =>
    queryRows<{ topic: string; partition: number }>(
      db,
      sql`select p.topic, p.partition from ${partitions} p join ${topics} t on t.name = p.topic where t.compacted`,
    );

  /**
   * A message is superseded when its key has a message at a higher offset (messages_key_idx answers
   * that). The latest of a key is never deleted, whichever cleaners run at once. Walks the partition
   * in offset order, a batch of deletions at a time, resuming after the last one deleted.
   */
  const compact = async (topic: string, partition: number): Promise<number> => {
    let deleted = 0;
    for (let after = 0; !stopped; ) {
      const [row] = await queryRows<{ deleted: number; last: string | number | null }>(
        db,
        sql`
        with doomed as (
          select o."offset" from ${messages} o
          where o.topic = ${topic} and o.partition = ${partition} and o."offset" >= ${after}
            and o.appended_at < ${olderThan(settings.compactionLagMs)}
            and exists (select 1 from ${messages} n
              where n.topic = o.topic and n.partition = o.partition and n.key = o.key and n."offset" > o."offset")
          order by o."offset" limit ${batch}
        ), gone as (
          delete from ${messages} m using doomed d
          where m.topic = ${topic} and m.partition = ${partition} and m."offset" = d."offset"
          returning m."offset"
        )
        select count(*)::integer as deleted, max("offset") as last from gone`,
      );
      deleted += row?.deleted ?? 0;
      if (!row || row.deleted < batch || row.last === null) return deleted;
      after = Number(row.last) + 1;
      await yieldTurn();
    }
    return deleted;
  };

  const clean = async (): Promise<CleanResult> => {
    const startedAt = Date.now();
    const result: CleanResult = { expired: 0, compacted: 0 };
    if (stopped) return result;
    await deps.ensureSchema();
    for (const range of await expiredRanges()) {
      if (stopped) break;
      result.expired += await expire(range);
    }
    for (const p of await compactedPartitions()) {
      if (stopped) break;
      result.compacted += await compact(p.topic, p.partition);
    }
    const fields = { ...result, durationMs: Date.now() - startedAt };
    if (result.expired + result.compacted > 0) log.info(fields, 'bus_log_cleaned');
    else log.debug(fields, 'bus_log_cleaned');
    return result;
  };

  const cleanNow = () => {
    running = running.catch(() => undefined).then(clean);
    return running;
  };

  const schedule = (ms: number) => {
    if (stopped || settings.cleanupIntervalMs <= 0) return;
    timer = setTimeout(() => {
      void cleanNow()
        .catch((err: unknown) => log.warn({ err }, 'bus_log_clean_failed'))
        .finally(() => schedule(settings.cleanupIntervalMs));
    }, ms);
    // Cleaning alone never keeps the process alive.
    timer.unref();
  };
  schedule(settings.firstCleanupDelayMs);

  return {
    cleanNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
