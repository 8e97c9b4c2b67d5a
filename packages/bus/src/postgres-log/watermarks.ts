import type { Database } from '@klaxon/db';
import { inArray } from 'drizzle-orm';
import type { LogBusSettings } from './options';
import type { Appended } from './publish';
import { partitions } from './tables';

type Listener = (topic: string, partition: number) => void;

/**
 * Where each watched partition's log ends (its next offset), so idle consumers cost one small query
 * per bus per poll instead of one per partition. This process's own publishes advance it at once
 * (`advance`), which is what keeps latency low inside one process; other processes' appends are seen
 * at the next poll. Listeners hear of partitions that appeared or grew.
 */
export interface Watermarks {
  /** The next offset the partition will assign, as last seen; undefined until the partition is seen. */
  end(topic: string, partition: number): number | undefined;
  /** Partitions seen of a topic, ascending. */
  partitionsOf(topic: string): number[];
  advance(ends: readonly Appended[]): void;
  /** Starts polling for these topics while any watch is open; returns the unwatch. */
  watch(topics: readonly string[], listener: Listener): () => void;
  /** Polls now; rejects when the database does not answer. */
  refresh(): Promise<void>;
  stop(): void;
}

export function createWatermarks(db: Database, settings: Pick<LogBusSettings, 'pollMs' | 'log'>): Watermarks {
  const ends = new Map<string, Map<number, number>>();
  const watches = new Map<Listener, readonly string[]>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failing = false;

  const record = (topic: string, partition: number, nextOffset: number) => {
    let byPartition = ends.get(topic);
    if (!byPartition) {
      byPartition = new Map();
      ends.set(topic, byPartition);
    }
    const before = byPartition.get(partition);
    if (before !== undefined && before >= nextOffset) return;
    byPartition.set(partition, nextOffset);
    for (const [listener, topics] of watches) {
      if (topics.includes(topic)) listener(topic, partition);
    }
  };

  const refresh = async () => {
    const topics = [...new Set([...watches.values()].flat())];
    if (topics.length === 0) return;
    const rows = await db
      .select({ topic: partitions.topic, partition: partitions.partition, nextOffset: partitions.nextOffset })
      .from(partitions)
      .where(inArray(partitions.topic, topics));
    for (const row of rows) record(row.topic, row.partition, row.nextOffset);
  };

  const poll = async () => {
    timer = undefined;
    try {
      await refresh();
      if (failing) settings.log.info('bus_poll_recovered');
      failing = false;
    } catch (err) {
      // Once per outage, not once per poll.
      if (!failing) settings.log.warn({ err }, 'bus_poll_failed');
      failing = true;
    }
    schedule();
  };

  const schedule = () => {
    if (stopped || timer || watches.size === 0) return;
    timer = setTimeout(() => void poll(), settings.pollMs);
  };

  return {
    end: (topic, partition) => ends.get(topic)?.get(partition),
    partitionsOf: (topic) => [...(ends.get(topic)?.keys() ?? [])].sort((a, b) => a - b),
    advance(appended) {
      for (const a of appended) record(a.topic, a.partition, a.nextOffset);
    },
    watch(topics, listener) {
      watches.set(listener, [...topics]);
      schedule();
      return () => {
        watches.delete(listener);
        if (watches.size === 0) {
          clearTimeout(timer);
          timer = undefined;
        }
      };
    },
    refresh,
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
