import { findUnstorable, httpError, type Unstorable } from '@klaxon/kit';

/**
 * Refusing at the edge what PostgreSQL could never store (kit's storable.ts), for every REST route
 * at once: a request that would fail in the database gets PagerDuty's 400 or 404 body naming the
 * field, and changes nothing, instead of a 500 halfway through.
 */

/**
 * Levels of objects and arrays a request may nest (an incident's `body.details` is stored as given):
 * deeper ones would exhaust JSON.stringify's stack. PagerDuty states no limit; the Events API's is the same.
 */
export const MAX_INPUT_DEPTH = 100;

// PostgreSQL's `integer`, the type of every count, timeout and delay Klaxon stores.
export const INT_MIN = -2_147_483_648;
export const INT_MAX = 2_147_483_647;

function describe(found: Unstorable): string {
  switch (found.kind) {
    case 'text':
      return `${found.path} must not contain ${found.problem}`;
    case 'key':
      return `${found.path} must not contain a key with ${found.problem}`;
    case 'number':
      return `${found.path} must be a finite number`;
    case 'depth':
      return `${found.path} is nested too deeply (at most ${MAX_INPUT_DEPTH} levels)`;
  }
}

/** A body or query string: 400 / 2001 naming the first value that cannot be stored. */
export function ensureStorableInput(value: unknown, part: 'body' | 'querystring'): void {
  const found = findUnstorable(value, part, MAX_INPUT_DEPTH);
  if (found) throw httpError('invalid_input', [describe(found)]);
}

/** Path parameters are ids: one PostgreSQL could not even compare names nothing, so 404 / 2100. */
export function ensureStorableParams(params: unknown): void {
  if (findUnstorable(params, 'params', 2)) throw httpError('not_found');
}

type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

const isInteger = (schema: Schema) =>
  schema.type === 'integer' || (Array.isArray(schema.type) && schema.type.includes('integer'));

// Keywords whose value is a schema, a list of schemas, or a map of schemas.
const oneSchema = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains'];
const schemaLists = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const schemaMaps = ['properties', 'patternProperties'];

/**
 * A copy of a JSON Schema whose unbounded integers are bounded by PostgreSQL's `integer`, so
 * `auto_resolve_timeout: 1e10` is a 400 naming the field rather than a failed insert. A bound a
 * route states itself is kept.
 */
export function withIntegerBounds(schema: unknown): unknown {
  if (!isSchema(schema)) return schema;
  const copy: Schema = { ...schema };
  if (isInteger(copy)) {
    if (copy.minimum === undefined && copy.exclusiveMinimum === undefined) copy.minimum = INT_MIN;
    if (copy.maximum === undefined && copy.exclusiveMaximum === undefined) copy.maximum = INT_MAX;
  }
  for (const key of oneSchema) if (isSchema(copy[key])) copy[key] = withIntegerBounds(copy[key]);
  for (const key of schemaLists) {
    const list = copy[key];
    if (Array.isArray(list)) copy[key] = list.map(withIntegerBounds);
  }
  for (const key of schemaMaps) {
    const map = copy[key];
    if (isSchema(map)) {
      copy[key] = Object.fromEntries(Object.entries(map).map(([name, sub]) => [name, withIntegerBounds(sub)]));
    }
  }
  return copy;
}
