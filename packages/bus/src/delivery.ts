import type { Logger } from 'pino';
import type { DeadLetterInfo } from './dead-letter';
import type { BusMessage, Handler, Outcome } from './port';
import { isTransientError } from './transient-error';

const outcomes: ReadonlySet<Outcome> = new Set(['ok', 'retry', 'dead-letter', 'drop']);
const abandoned = Symbol('abandoned');

type Attempt = { outcome: Outcome; err?: undefined } | { outcome: 'retry'; err: unknown } | typeof abandoned;

/** What an adapter gives the one delivery loop both adapters share. */
export interface DeliveryContext {
  /** The group as the caller named it (logs, dead-letter headers). */
  group: string;
  handler: Handler;
  /** Permanent failures (and retry answers) before a message is dead-lettered. */
  maxAttempts: number;
  /** Delay before the next attempt after `attempt` failures, capped (see backoffMs). */
  backoff(attempt: number): number;
  deadLetter(message: BusMessage, info: DeadLetterInfo): Promise<void>;
  /**
   * Waits `ms`, then until the partition may be processed; false when the worker must stop instead
   * (stop, abort, lease lost, rebalance), so the message stays unsettled.
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
  /** Of those, the ones that count towards maxAttempts: all but transient failures. */
  failures: number;
}

export const attemptCount = (offset: number): AttemptCount => ({ offset, attempts: 0, failures: 0 });

/** Delay before the next attempt after `attempt` failures: doubling from the first delay, capped. */
export function backoffMs(firstMs: number, maxMs: number, attempt: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
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
 * Attempts a message that keeps throwing a permanent error gets, at most: one retry in case the
 * error was a race after all, then it is set aside. Retrying a bug or bad data longer only holds its
 * partition (every later event of the service) hostage; the dead letter can be replayed once fixed.
 */
export const PERMANENT_ERROR_ATTEMPTS = 3;

/**
 * Hands one message to the handler until it is settled (ok, drop, dead-lettered): true. A retry or a
 * throw holds the partition and tries the same message again after a backoff. A transient failure
 * (see isTransientError: the database or broker away or busy) is retried until it succeeds or the
 * worker stops, with the backoff capped, and is never dead-lettered. A permanent error (any other
 * throw) is retried after the first, short delay and dead-lettered once it has failed
 * PERMANENT_ERROR_ATTEMPTS times (within a second at the default 200 ms), a retry answer after
 * maxAttempts with a doubling backoff, and a dead-letter answer at once. Failures count together.
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
    const thrown = result.err !== undefined;
    const transient = thrown && isTransientError(result.err);
    const permanentError = thrown && !transient;
    if (!transient) count.failures++;
    const limit = permanentError ? Math.min(ctx.maxAttempts, PERMANENT_ERROR_ATTEMPTS) : ctx.maxAttempts;
    if (count.failures >= limit) {
      return deadLetter(ctx, message, { group: ctx.group, reason: 'max_attempts', attempts: n, error: result.err });
    }
    const failure = { ...where, attempt: n, failures: count.failures, maxAttempts: limit, err: result.err };
    ctx.log.warn(failure, transient ? 'bus_handler_transient_failure' : 'bus_handler_retry');
    if (!(await ctx.pause(ctx.backoff(permanentError ? 1 : n)))) return false;
  }
}
