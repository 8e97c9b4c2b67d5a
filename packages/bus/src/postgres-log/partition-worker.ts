import type { Database } from '@klaxon/db';
import { and, asc, eq, gte } from 'drizzle-orm';
import type { Logger } from 'pino';
import { deliverBatch, type Handlers } from '../batch-delivery';
import type { DeadLetterInfo } from '../dead-letter';
import { type AttemptCount, attemptCount, backoffMs, deliver } from '../delivery';
import type { BusMessage } from '../port';
import type { LogBusSettings } from './options';
import { createSignal } from './signal';
import { messages } from './tables';

export interface PartitionWorkerOptions {
  db: Database;
  settings: LogBusSettings;
  log: Logger;
  group: string;
  topic: string;
  partition: number;
  /**
   * The first offset to process: the committed one, or 0 for a read model. When the cleaner has
   * deleted it, the worker starts at the oldest message left (Kafka's auto.offset.reset=earliest).
   */
  from: number;
  handlers: Handlers;
  maxAttempts: number;
  /** The partition's end as last seen (watermarks); a worker at the end sleeps instead of querying. */
  end(): number | undefined;
  /** Whether this process may work on the partition now (a lease it still holds; always for read models). */
  mayProcess(): boolean;
  /** Stores the position; false when the lease went to another member. Absent for read models. */
  commit: ((nextOffset: number) => Promise<boolean>) | undefined;
  deadLetter(message: BusMessage, info: DeadLetterInfo): Promise<void>;
  /** Called once when the worker has ended, with why. */
  onExit(reason: 'stopped' | 'aborted' | 'lost'): void;
}

export interface PartitionWorker {
  /** New messages may be there, or the lease was renewed: look again now. */
  wake(): void;
  /** Finishes the message in hand (its retries are cut short), commits, and ends. */
  stop(): Promise<void>;
  /** Ends at once without awaiting the handler or committing, as a crash would. */
  abort(): void;
}

/**
 * Reads one partition in offset order (skipping the holes the cleaner leaves) and hands its messages
 * to the handler in order: one at a time, or in batches of a fetch for a batch subscriber. The position is committed after the work: every second inside a long run, at the end of each
 * fetched run, and on stop. A refused commit means the lease moved: the worker ends without
 * touching the partition again.
 */
export function startPartitionWorker(options: PartitionWorkerOptions): PartitionWorker {
  const { db, settings, topic, partition, group } = options;
  const log = options.log.child({ topic, partition });
  const signal = createSignal();
  let state: 'running' | 'stopping' | 'aborted' | 'lost' = 'running';
  let markAborted = () => {};
  const aborted = new Promise<void>((resolve) => {
    markAborted = resolve;
  });
  let position = options.from;
  let committed = options.from;
  let lastCommit = Date.now();
  let current: AttemptCount | undefined;

  const live = () => state === 'running';

  /** Sleeps until the lease allows work again; false when the worker must end. */
  const awaitLease = async (): Promise<boolean> => {
    while (live() && !options.mayProcess()) await signal.wait(settings.pollMs);
    return live();
  };

  const pause = async (ms: number): Promise<boolean> => {
    const until = Date.now() + ms;
    while (live() && Date.now() < until) await signal.wait(until - Date.now());
    return awaitLease();
  };

  const delivery = {
    group,
    handler: options.handlers.single,
    maxAttempts: options.maxAttempts,
    backoff: (attempt: number) => backoffMs(settings.retryBackoffMs, settings.maxBackoffMs, attempt),
    deadLetter: options.deadLetter,
    pause,
    aborted,
    log: options.log,
  };

  /** Settles one message; the attempt count survives an interrupted retry run of the same offset. */
  const deliverOne = async (message: BusMessage): Promise<boolean> => {
    const offset = Number(message.offset);
    if (current?.offset !== offset) current = attemptCount(offset);
    const settled = await deliver(delivery, message, current);
    if (settled) current = undefined;
    return settled;
  };

  /** Settles the messages from the first (a batch, or one alone); how many are settled. */
  const settle = async (chunk: BusMessage[]): Promise<number> => {
    const batch = options.handlers.batch;
    if (batch) return deliverBatch({ group, handler: batch.handler, deliverOne, aborted, log: options.log }, chunk);
    return (await deliverOne(chunk[0] as BusMessage)) ? 1 : 0;
  };

  const toMessage = (row: Awaited<ReturnType<typeof fetch>>[number]): BusMessage => ({
    topic,
    partition,
    offset: String(row.offset),
    key: row.key,
    value: row.value,
    headers: row.headers,
    timestamp: row.appendedAt,
  });

  const commit = async () => {
    lastCommit = Date.now();
    if (!options.commit || position === committed || state === 'aborted' || state === 'lost') return;
    const next = position;
    try {
      if (await options.commit(next)) {
        committed = next;
        return;
      }
      log.warn({ group, offset: next }, 'bus_partition_lost');
      state = 'lost';
    } catch (err) {
      // Kept in memory and committed next time; a crash before then only means redelivery.
      log.warn({ group, offset: next, err }, 'bus_commit_failed');
    }
  };

  const fetch = (from: number) =>
    db
      .select()
      .from(messages)
      .where(and(eq(messages.topic, topic), eq(messages.partition, partition), gte(messages.offset, from)))
      .orderBy(asc(messages.offset))
      .limit(settings.fetchLimit);

  const run = async () => {
    let failures = 0;
    while (await awaitLease()) {
      const end = options.end();
      if (end !== undefined && position >= end) {
        await signal.wait(settings.pollMs);
        continue;
      }
      let rows: Awaited<ReturnType<typeof fetch>>;
      try {
        rows = await fetch(position);
        failures = 0;
      } catch (err) {
        if (failures++ === 0) log.warn({ group, err }, 'bus_fetch_failed');
        await pause(backoffMs(settings.retryBackoffMs, settings.maxBackoffMs, failures));
        continue;
      }
      if (rows.length === 0) {
        // Every offset below `end` was committed before the fetch began, so none left means the
        // cleaner deleted them: move past the hole instead of fetching it again every poll.
        if (end !== undefined && position < end) {
          position = end;
          await commit();
          continue;
        }
        await signal.wait(settings.pollMs);
        continue;
      }
      for (let i = 0; i < rows.length; ) {
        if (!(await awaitLease())) break;
        const chunk = rows.slice(i, i + (options.handlers.batch?.maxSize ?? 1)).map(toMessage);
        const settled = await settle(chunk);
        i += settled;
        const last = chunk[settled - 1];
        if (last) position = Number(last.offset) + 1;
        if (settled < chunk.length) break;
        if (Date.now() - lastCommit >= settings.commitIntervalMs) await commit();
      }
      await commit();
    }
    // The loop ends on stop (commit what is done), abort or a lost lease (commit nothing).
    await commit();
  };

  const done = run()
    .catch((err: unknown) => log.error({ group, err }, 'bus_partition_worker_failed'))
    .finally(() => options.onExit(state === 'stopping' || state === 'running' ? 'stopped' : state));

  return {
    wake: () => signal.notify(),
    async stop() {
      if (state === 'running') state = 'stopping';
      signal.notify();
      await done;
    },
    abort() {
      if (state === 'running' || state === 'stopping') state = 'aborted';
      markAborted();
      signal.notify();
    },
  };
}
