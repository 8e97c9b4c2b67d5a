import type { Logger } from 'pino';
import type { DeadLetterInfo } from '../dead-letter';
import type { BusMessage, Handler, Outcome } from '../port';

const outcomes: ReadonlySet<Outcome> = new Set(['ok', 'retry', 'dead-letter', 'drop']);
const abandoned = Symbol('abandoned');

type Attempt = { outcome: Outcome; err?: undefined } | { outcome: 'retry'; err: unknown } | typeof abandoned;

export interface DeliveryContext {
  /** The group as the caller named it (logs, dead-letter headers). */
  group: string;
  handler: Handler;
  maxAttempts: number;
  backoff(attempt: number): number;
  deadLetter(message: BusMessage, info: DeadLetterInfo): Promise<void>;
  /**
   * Waits `ms`, then until the partition may be processed; false when the worker must stop instead
   * (stop, abort, lease lost), so the message stays unsettled.
   */
  pause(ms: number): Promise<boolean>;
  /** Resolves on abort: the handler in flight is abandoned, not awaited. */
  aborted: Promise<void>;
  log: Logger;
}

/** Attempts made on the message in hand; kept by the worker, so an interrupted retry run resumes its count. */
export interface AttemptCount {
  offset: number;
  attempts: number;
}

async function attempt(ctx: DeliveryContext, message: BusMessage): Promise<Attempt> {
  const work = (async (): Promise<Attempt> => {
    try {
      const outcome = await ctx.handler(message);
      if (outcomes.has(outcome)) return { outcome };
      return { outcome: 'retry', err: new Error(`handler returned an unknown outcome: ${String(outcome)}`) };
    } catch (err) {
      return { outcome: 'retry', err };
    }
  })();
  return Promise.race([work, ctx.aborted.then((): typeof abandoned => abandoned)]);
}

/** Dead-letters until it works: skipping a message that is not safely copied would lose it. */
async function deadLetter(ctx: DeliveryContext, message: BusMessage, info: DeadLetterInfo): Promise<boolean> {
  const where = { group: ctx.group, topic: message.topic, partition: message.partition, offset: message.offset };
  for (let failures = 1; ; failures++) {
    try {
      await ctx.deadLetter(message, info);
      ctx.log.error(
        { ...where, reason: info.reason, attempts: info.attempts, err: info.error },
        'bus_message_dead_lettered',
      );
      return true;
    } catch (err) {
      ctx.log.error({ ...where, err }, 'bus_dead_letter_failed');
      if (!(await ctx.pause(ctx.backoff(failures)))) return false;
    }
  }
}

/**
 * Hands one message to the handler until it is settled (ok, drop, dead-lettered): true. A retry or a
 * throw holds the partition and tries the same message again after a backoff, until maxAttempts.
 * False when the worker was interrupted first; the message is then neither settled nor committed.
 */
export async function deliver(ctx: DeliveryContext, message: BusMessage, count: AttemptCount): Promise<boolean> {
  const where = { group: ctx.group, topic: message.topic, partition: message.partition, offset: message.offset };
  for (;;) {
    count.attempts++;
    const n = count.attempts;
    const result = await attempt(ctx, message);
    if (result === abandoned) return false;
    if (result.outcome === 'ok' || result.outcome === 'drop') return true;
    if (result.outcome === 'dead-letter') {
      return deadLetter(ctx, message, { group: ctx.group, reason: 'rejected', attempts: n });
    }
    if (n >= ctx.maxAttempts) {
      return deadLetter(ctx, message, { group: ctx.group, reason: 'max_attempts', attempts: n, error: result.err });
    }
    ctx.log.warn({ ...where, attempt: n, maxAttempts: ctx.maxAttempts, err: result.err }, 'bus_handler_retry');
    if (!(await ctx.pause(ctx.backoff(n)))) return false;
  }
}
