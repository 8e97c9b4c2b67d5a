/**
 * Database errors as they may be logged: the statement, never the values. drizzle's
 * DrizzleQueryError puts every bound parameter in its message, stack and `params` (names,
 * summaries, emails), and PostgreSQL's own errors quote the offending value in `message`
 * (`value "1e10" is out of range`) and whole rows in `detail` ("Failing row contains ...").
 */

// node-postgres' DatabaseError fields that quote row or statement values.
const valueFields = new Set(['detail', 'where', 'internalQuery', 'params']);

const SQLSTATE = /^[0-9A-Z]{5}$/;

// Generous: cause chains are a few errors long; a cycle must not loop forever.
const MAX_CAUSES = 8;

type Fields = Record<string, unknown>;

/** A PostgreSQL error as node-postgres raises it: SQLSTATE code and severity. */
export function isDatabaseError(err: unknown): err is Error & { code: string } {
  const e = err as Fields | null;
  return err instanceof Error && typeof e?.code === 'string' && SQLSTATE.test(e.code) && typeof e.severity === 'string';
}

/** drizzle's wrapper around a failed statement: `query` and its bound `params`. */
function isFailedQuery(err: Error): err is Error & { query: string } {
  const e = err as unknown as Fields;
  return typeof e.query === 'string' && 'params' in e;
}

/** The SQLSTATE of an error or of one of its causes (drizzle wraps node-postgres' error). */
export function sqlState(err: unknown): string | undefined {
  let current = err;
  for (let i = 0; i < MAX_CAUSES && current instanceof Error; i++) {
    if (isDatabaseError(current)) return current.code;
    current = current.cause;
  }
  return undefined;
}

// Quoted text in PostgreSQL's messages is a value or a name; names are in `constraint`, `table`, `column`.
const maskQuoted = (message: string): string => message.replace(/"(?:[^"]|"")*"/g, '"…"');

/** SQLSTATE and the names (never values) of what the statement broke. */
function whatFailed(err: Error & { code: string }): Fields {
  const e = err as unknown as Fields;
  const fields: Fields = { sqlState: err.code };
  for (const key of ['schema', 'table', 'column', 'constraint']) if (typeof e[key] === 'string') fields[key] = e[key];
  return fields;
}

function frames(stack: string | undefined): string {
  if (stack === undefined) return '';
  const at = stack.indexOf('\n    at ');
  return at < 0 ? '' : stack.slice(at);
}

function scrub(err: unknown, depth: number): unknown {
  if (!(err instanceof Error) || depth >= MAX_CAUSES) return err;
  const query = isFailedQuery(err);
  const database = isDatabaseError(err);
  const cause = scrub(err.cause, depth + 1);
  if (!query && !database && cause === err.cause) return err;
  const message = query ? `Failed query: ${err.query}` : database ? maskQuoted(err.message) : err.message;
  // Same prototype, so the logged `type` stays DrizzleQueryError / DatabaseError.
  const copy = Object.create(Object.getPrototypeOf(err)) as Error & Fields;
  for (const [key, value] of Object.entries(err)) {
    if (!valueFields.has(key)) copy[key] = value;
  }
  Object.defineProperty(copy, 'message', { value: message, enumerable: false, writable: true });
  Object.defineProperty(copy, 'stack', {
    value: `${err.name}: ${message}${frames(err.stack)}`,
    enumerable: false,
    writable: true,
  });
  if (err.cause !== undefined) copy.cause = cause;
  // Causes are logged by message only: what says which statement failed how is lifted beside the statement.
  if (query && isDatabaseError(err.cause)) Object.assign(copy, whatFailed(err.cause));
  return copy;
}

/** The error with statements kept and bound values, quoted values and failing rows removed, causes included. */
export function withoutQueryValues(err: unknown): unknown {
  return scrub(err, 0);
}
