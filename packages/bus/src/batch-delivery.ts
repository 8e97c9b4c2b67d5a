import type { Logger } from 'pino';
import type { BatchHandler, BusMessage, Handler, Outcome, SubscribeOptions } from './port';
import type { Progress } from './progress';
import { isLostRace } from './transient-error';

const outcomes: ReadonlySet<unknown> = new Set<Outcome>(['ok', 'retry', 'dead-letter', 'drop']);
const abandoned = Symbol('abandoned');
/** How many times a batch runs whole when it only lost a race with another transaction. */
const LOST_RACE_ATTEMPTS = 3;

/** What a partition worker calls: one message at a time always, and whole batches when the subscriber takes them. */
export interface Handlers {
  single: Handler;
  batch?: { handler: BatchHandler; maxSize: number };
}

/**
 * The handlers of a subscription. A batch subscriber's single handler is its batch handler on a
 * batch of one: that is how a failed batch is retried message by message.
 */
export function handlersOf(options: SubscribeOptions, progress: Pick<Progress, 'track' | 'trackBatch'>): Handlers {
  if (options.handler) return { single: progress.track(options.handler) };
  const batch = progress.trackBatch(options.batchHandler);
  return {
    single: async (message) => {
      const result = await batch([message]);
      return (typeof result === 'string' ? result : result[0]) ?? 'retry';
    },
    batch: { handler: batch, maxSize: Math.max(1, options.maxBatchSize ?? 500) },
  };
}

/** The batch's outcomes, one per message, or undefined when the handler answered something else. */
function outcomesOf(result: unknown, size: number): readonly Outcome[] | undefined {
  if (outcomes.has(result)) return new Array<Outcome>(size).fill(result as Outcome);
  if (Array.isArray(result) && result.length === size && result.every((o) => outcomes.has(o))) return result;
  return undefined;
}

export interface BatchDeliveryContext {
  group: string;
  handler: BatchHandler;
  /** Settles one message alone, with the adapter's retries and dead-lettering; false when interrupted first. */
  deliverOne(message: BusMessage): Promise<boolean>;
  /** Resolves on abort: the batch in flight is abandoned, not awaited. */
  aborted: Promise<void>;
  log: Logger;
}

/**
 * Hands messages of one partition to the batch handler together. What the batch settled (ok, drop)
 * is done; every other message (rejected, or from the first retry or failure on, whose work was rolled
 * back) is delivered alone in order, which retries or dead-letters it. Returns how many messages,
 * from the first, are settled: all of them, unless the worker was interrupted.
 */
export async function deliverBatch(ctx: BatchDeliveryContext, messages: readonly BusMessage[]): Promise<number> {
  let result: Outcome | readonly Outcome[] | typeof abandoned | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      result = await Promise.race([ctx.handler(messages), ctx.aborted.then((): typeof abandoned => abandoned)]);
      break;
    } catch (err) {
      const first = messages[0];
      ctx.log.warn(
        { group: ctx.group, topic: first?.topic, partition: first?.partition, size: messages.length, attempt, err },
        'bus_batch_failed',
      );
      // A deadlock or serialization failure rolled back work that will likely pass as it is: the whole
      // batch again, as going message by message would turn a storm's batch into hundreds of transactions.
      if (!isLostRace(err) || attempt >= LOST_RACE_ATTEMPTS) break;
    }
  }
  if (result === abandoned) return 0;
  const settled = result === undefined ? undefined : outcomesOf(result, messages.length);
  const firstRetry = settled ? settled.indexOf('retry') : 0;
  const batchDone = (i: number) =>
    settled !== undefined && (firstRetry < 0 || i < firstRetry) && (settled[i] === 'ok' || settled[i] === 'drop');
  for (const [i, message] of messages.entries()) {
    if (!batchDone(i) && !(await ctx.deliverOne(message))) return i;
  }
  return messages.length;
}
