import type { EachBatchPayload } from 'kafkajs';
import type { Logger } from 'pino';
import { deliverBatch, type Handlers } from '../batch-delivery';
import type { DeadLetterInfo } from '../dead-letter';
import { attemptCount, backoffMs, type DeliveryContext, deliver as deliverMessage } from '../delivery';
import type { BusMessage } from '../port';
import { toBusMessage } from './messages';

/** What stop() and abort() tell the batches in flight. */
export interface SubscriptionControl {
  readonly state: 'running' | 'stopping' | 'aborted';
  /** Resolves on abort: the in-flight handler is abandoned, not awaited. */
  readonly aborted: Promise<void>;
}

export interface BatchHandlerOptions {
  /** The group as the caller named it (logs, dead-letter headers). */
  group: string;
  /** Topic name as the caller knows it (the bus may prefix names). */
  logicalTopic(physical: string): string;
  handlers: Handlers;
  maxAttempts: number;
  retryBackoffMs: number;
  maxRetryBackoffMs: number;
  heartbeatIntervalMs: number;
  /** Read models never commit: every instance rereads the topic from the start. */
  commit: boolean;
  control: SubscriptionControl;
  deadLetter(message: BusMessage, info: DeadLetterInfo): Promise<void>;
  log: Logger;
}

/** Inside a long batch, committed progress is at most this old (bounds redelivery after a crash). */
const commitIntervalMs = 1_000;

/**
 * kafkajs eachBatch for one partition, strictly in order: a message (or, for a batch subscriber, a
 * run of messages) is handed to the handler until settled (ok, drop, dead-lettered) before the next;
 * retries hold the partition. Offsets
 * are resolved only after the work, and committed at the end of the batch, every second inside a
 * long one, and before giving the partition back on a rebalance.
 */
export function createBatchHandler(options: BatchHandlerOptions) {
  const { control, log, group } = options;

  return async (payload: EachBatchPayload): Promise<void> => {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const { partition } = batch;
    const topic = options.logicalTopic(batch.topic);
    const where = { topic, partition, group };
    /** A heartbeat failure (rebalance, eviction): finish the message in hand, commit, hand back. */
    let heartbeatError: unknown;
    let beating = false;
    let nextOffset: string | undefined;
    let committedOffset: string | undefined;
    let lastCommit = Date.now();

    const live = () => control.state === 'running' && isRunning() && !isStale() && heartbeatError === undefined;

    // kafkajs sends a heartbeat only when the interval has passed, so calling it often is cheap.
    const beat = async () => {
      if (beating || heartbeatError !== undefined) return;
      beating = true;
      try {
        await heartbeat();
      } catch (err) {
        heartbeatError = err;
        // Usually a rebalance: the message in hand is finished and committed before rejoining.
        log.info({ ...where, err }, 'consumer_heartbeat_refused');
      } finally {
        beating = false;
      }
    };

    /** Keeps the membership alive while a slow handler or a backoff runs. */
    const withHeartbeats = async <T>(work: Promise<T>): Promise<T> => {
      const timer = setInterval(() => void beat(), options.heartbeatIntervalMs);
      try {
        return await work;
      } finally {
        clearInterval(timer);
      }
    };

    /** Waits, unless stop, abort, a rebalance or a seek comes first; true when the wait ran out. */
    const pause = (ms: number): Promise<boolean> =>
      withHeartbeats(
        new Promise<boolean>((resolve) => {
          const until = Date.now() + ms;
          const tick = setInterval(
            () => {
              if (!live()) resolve(false);
              else if (Date.now() >= until) resolve(true);
              else return;
              clearInterval(tick);
            },
            Math.min(50, ms),
          );
        }),
      );

    const backoff = (attempt: number) => backoffMs(options.retryBackoffMs, options.maxRetryBackoffMs, attempt);
    const delivery: DeliveryContext = {
      group,
      handler: (message) => withHeartbeats(options.handlers.single(message)),
      maxAttempts: options.maxAttempts,
      backoff,
      deadLetter: options.deadLetter,
      pause,
      aborted: control.aborted,
      log,
    };
    /** True when the message is settled; false when stop, abort or a rebalance interrupted it. */
    const deliver = (message: BusMessage): Promise<boolean> =>
      deliverMessage(delivery, message, attemptCount(Number(message.offset)));

    const commit = async () => {
      lastCommit = Date.now();
      if (!options.commit || nextOffset === undefined || nextOffset === committedOffset) return;
      const offset = nextOffset;
      await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition, offset }] }] });
      committedOffset = offset;
    };

    /** Settles the messages from the first (a batch, or one alone); how many are settled. */
    const settle = async (chunk: BusMessage[]): Promise<number> => {
      const many = options.handlers.batch;
      if (!many) return (await deliver(chunk[0] as BusMessage)) ? 1 : 0;
      const handler = (messages: readonly BusMessage[]) => withHeartbeats(many.handler(messages));
      return deliverBatch({ group, handler, deliverOne: deliver, aborted: control.aborted, log }, chunk);
    };

    const size = options.handlers.batch?.maxSize ?? 1;
    for (let i = 0; i < batch.messages.length; ) {
      if (!live()) break;
      const raws = batch.messages.slice(i, i + size);
      const settled = await settle(raws.map((raw) => toBusMessage(topic, partition, raw)));
      for (const raw of raws.slice(0, settled)) resolveOffset(raw.offset);
      const last = raws[settled - 1];
      if (last) nextOffset = (BigInt(last.offset) + 1n).toString();
      i += settled;
      if (settled < raws.length) break;
      await beat();
      if (Date.now() - lastCommit >= commitIntervalMs && heartbeatError === undefined) await commit();
    }

    // Abort is a crash: nothing of this batch is committed, another member gets it again.
    if (control.state === 'aborted') return;
    if (heartbeatError !== undefined) {
      // Commit what was done before the partition goes back; a stale generation is refused by the
      // broker, which is fine: the work is then redone elsewhere (at least once).
      await commit().catch((err: unknown) => log.warn({ ...where, err }, 'offset_commit_on_rebalance_failed'));
      throw heartbeatError;
    }
    await commit();
  };
}
