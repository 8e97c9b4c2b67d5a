/**
 * Request bodies as official clients send them, made into the one shape the route schemas describe.
 * Both rules read the route's own body schema, so they follow each route without a list to keep.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{"<root>": {...}}` with one required root: PagerDuty's wrapped body. The root, or undefined. */
export function wrapperRoot(schema: unknown): string | undefined {
  if (!isObject(schema) || !isObject(schema.properties)) return undefined;
  const roots = Object.keys(schema.properties);
  const required = Array.isArray(schema.required) ? schema.required : [];
  const [root] = roots;
  return roots.length === 1 && root !== undefined && required.includes(root) ? root : undefined;
}

/**
 * The body wrapped in its root when a client sent the object bare. go-pagerduty posts teams and puts
 * integrations, teams and maintenance windows without the wrapper, and PagerDuty accepts them.
 */
export function wrapBareBody(schema: unknown, body: unknown): unknown {
  const root = wrapperRoot(schema);
  if (root === undefined || !isObject(body) || root in body || Object.keys(body).length === 0) return body;
  return { [root]: body };
}

/** A schema of an input reference: an object whose `id` is required. */
const isReferenceSchema = (schema: Json): boolean =>
  Array.isArray(schema.required) && schema.required.includes('id') && isObject(schema.properties);

const hasId = (value: Json): boolean => typeof value.id === 'string' && value.id !== '';

/**
 * A partial update (PUT) drops references given without an id: they mean "unchanged". go-pagerduty's
 * UpdateService sends `"escalation_policy": {"teams": null}` when only the description changes.
 * Walks nested objects by their schema; lists are left as given (an entry without id stays an error).
 */
export function dropEmptyReferences(schema: unknown, body: unknown): void {
  if (!isObject(schema) || !isObject(body) || !isObject(schema.properties)) return;
  for (const [key, fieldSchema] of Object.entries(schema.properties)) {
    const value = body[key];
    if (!isObject(fieldSchema) || !isObject(value)) continue;
    if (isReferenceSchema(fieldSchema) && !hasId(value)) delete body[key];
    else dropEmptyReferences(fieldSchema, value);
  }
}

/** Both rules for one request: bare bodies wrapped, and on PUT id-less references dropped. */
export function normalizeBody(method: string, schema: unknown, body: unknown): unknown {
  const wrapped = wrapBareBody(schema, body);
  if (method === 'PUT') dropEmptyReferences(schema, wrapped);
  return wrapped;
}
