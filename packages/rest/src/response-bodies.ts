/**
 * Building blocks of the REST API v2 response schemas routes declare (schema.response): they are
 * both the OpenAPI document's answers and, in tests, checked against every answer (kit's
 * response-schemas.ts). Objects leave unnamed fields allowed, as PagerDuty's spec does, so a
 * client may rely on what is named here and nothing more.
 */

export const text = { type: 'string' } as const;
export const nullableText = { type: 'string', nullable: true } as const;
export const integer = { type: 'integer' } as const;
export const nullableInteger = { type: 'integer', nullable: true } as const;
export const boolean = { type: 'boolean' } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;
export const anyObject = { type: 'object' } as const;

export const arrayOf = (items: object) => ({ type: 'array', items }) as const;

/** `{id, type, summary, self, html_url}`: what every object and reference starts with. */
const identity = {
  id: text,
  type: text,
  summary: text,
  self: nullableText,
  html_url: nullableText,
} as const;

/** A reference to another object (`*_reference`). */
export const referenceBody = { type: 'object', required: ['id', 'type'], properties: identity } as const;

/** A full object of `type` (one type, or one of several) with its own fields beside the identity. */
export function objectBody(
  type: string | readonly string[],
  properties: Record<string, object>,
  required: string[] = [],
) {
  return {
    type: 'object',
    required: ['id', 'type', ...required],
    properties: {
      ...identity,
      type: { type: 'string', enum: typeof type === 'string' ? [type] : [...type] },
      ...properties,
    },
  } as const;
}

/** A full object or its reference, as `include[]` decides. */
export const objectOrReference = (body: object) => ({ anyOf: [body, referenceBody] }) as const;

/** `{"<key>": <body>}`: one object, wrapped in its singular name. */
export function wrappedBody(key: string, body: object, description = `The ${key.replace(/_/g, ' ')}`) {
  return { type: 'object', required: [key], properties: { [key]: body }, description };
}

/** The classic pagination envelope (pagination.ts): `{<key>: [...], limit, offset, more, total}`. */
export function listBody(key: string, item: object, description = `A page of ${key.replace(/_/g, ' ')}`) {
  return {
    type: 'object',
    required: [key, 'limit', 'offset', 'more', 'total'],
    properties: { [key]: arrayOf(item), limit: integer, offset: integer, more: boolean, total: nullableInteger },
    description,
  };
}

/** The cursor pagination envelope (audit records): `{<key>: [...], limit, next_cursor}`, null past the last page. */
export function cursorListBody(key: string, item: object, description = `A page of ${key.replace(/_/g, ' ')}`) {
  return {
    type: 'object',
    required: [key, 'limit', 'next_cursor'],
    properties: { [key]: arrayOf(item), limit: integer, next_cursor: nullableText },
    description,
  };
}
