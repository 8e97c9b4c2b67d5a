/**
 * Whether a handler's failure will pass on its own (the database or broker is away, busy, or lost a
 * race) rather than come back on every attempt (a bug, bad data). Delivery retries a transient
 * failure until it succeeds, however long the outage, and dead-letters only permanent ones: an
 * event must not be set aside because PostgreSQL restarted.
 */
export function isTransientError(err: unknown): boolean {
  return someCause(err, isTransientItself);
}

/** serialization_failure and deadlock_detected: another transaction won; the same work again will likely pass. */
const LOST_RACE_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01']);

/** Whether the work failed only because a concurrent transaction won a race (a deadlock, a serialization failure). */
export function isLostRace(err: unknown): boolean {
  return someCause(err, (e) => LOST_RACE_SQLSTATES.has(String((e as ErrorFields).code)));
}

/**
 * PostgreSQL SQLSTATEs (as pg's DatabaseError carries them in `code`) that say "try again":
 * serialization_failure, deadlock_detected, lock_not_available (lock_timeout), query_canceled
 * (statement_timeout), admin_shutdown, crash_shutdown, cannot_connect_now (starting up, recovery),
 * too_many_connections.
 */
const TRANSIENT_SQLSTATES: ReadonlySet<string> = new Set([
  '40001',
  '40P01',
  '55P03',
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
/** Class 08, connection exception: 08000, 08001, 08003, 08004, 08006, 08007, 08P01. */
const TRANSIENT_SQLSTATE_CLASS = '08';

/** Node's system error codes for a peer that is away, unreachable or slow. */
const TRANSIENT_SYSTEM_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * Errors pg and pg-pool raise without a code: "Connection terminated unexpectedly", "Connection
 * terminated due to connection timeout", "timeout exceeded when trying to connect", "Query read
 * timeout", "Client has encountered a connection error and is not queryable".
 */
const TRANSIENT_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Query read timeout$/,
  /is not queryable$/,
];

/** kafkajs' network and timeout errors (a handler that publishes while the brokers are away). */
const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'PublishTimeoutError',
]);

interface ErrorFields {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  retriable?: unknown;
}

function isTransientItself(err: object): boolean {
  const { code, name, message, retriable } = err as ErrorFields;
  if (typeof code === 'string') {
    if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SYSTEM_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && code.startsWith(TRANSIENT_SQLSTATE_CLASS)) return true;
  }
  if (typeof name === 'string' && TRANSIENT_ERROR_NAMES.has(name)) return true;
  // kafkajs marks what it would retry itself.
  if (retriable === true) return true;
  return typeof message === 'string' && TRANSIENT_MESSAGES.some((m) => m.test(message));
}

/**
 * Looks at the error and what it wraps: drizzle's DrizzleQueryError keeps pg's error in `cause`,
 * kafkajs keeps its own in `originalError`, and node's connect to several addresses throws an
 * AggregateError of one error per address. Bounded, so a cycle of causes cannot loop.
 */
function someCause(err: unknown, test: (e: object) => boolean): boolean {
  const pending: unknown[] = [err];
  for (let seen = 0; pending.length > 0 && seen < 32; seen++) {
    const e = pending.shift();
    if (typeof e !== 'object' || e === null) continue;
    if (test(e)) return true;
    const { cause, originalError, errors } = e as { cause?: unknown; originalError?: unknown; errors?: unknown };
    pending.push(cause, originalError, ...(Array.isArray(errors) ? errors : []));
  }
  return false;
}
