import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, RouteOptions } from 'fastify';
import { type ErrorCode, errorTable, HttpError, pagerDutyError } from './errors';

/** A route's `schema.response`: JSON Schemas by status code. */
export type ResponseSchemas = Record<string, object>;

/** The REST API v2 error body every table code answers with (errors.ts). */
export const pagerDutyErrorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'code'],
      properties: {
        message: { type: 'string' },
        code: { type: 'integer' },
        errors: { type: 'array', items: { type: 'string' } },
      },
    },
  },
} as const;

/** A documented PagerDuty error answer, described by the table codes that answer with that status. */
export function errorResponse(...codes: ErrorCode[]): object {
  const described = codes.map((code) => `${errorTable[code].code} ${errorTable[code].message}`).join('; ');
  return { ...pagerDutyErrorSchema, description: described };
}

/** An answer without a body (204). */
export const noContent = { type: 'null', description: 'No content' } as const;

/**
 * Adds `defaults` to a route's response schemas, keeping any status the route documents itself (a
 * route knows its own 404 or 402 better than a default does).
 */
export function addResponses(route: Pick<RouteOptions, 'schema'>, defaults: ResponseSchemas): void {
  const schema: FastifySchema = route.schema ?? {};
  route.schema = { ...schema, response: { ...defaults, ...((schema.response as ResponseSchemas) ?? {}) } };
}

// `nullable` and the OpenAPI annotations (`example`, `deprecated`) are read as the document has them.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

/**
 * Fastify's serializer compiler for response schemas. Answers are written with JSON.stringify, exactly
 * as without a schema: fast-json-stringify would drop any field a schema forgot, and a client would
 * see a field vanish. With `check` (tests), every answer is first validated against the schema its
 * route documents for that status, and one that does not match fails the request with the mismatch
 * named: the documented schemas cannot drift from what the routes send.
 */
export function responseSerializerCompiler(check: boolean) {
  return ({
    schema,
    method,
    url,
    httpStatus,
  }: {
    schema: object;
    method: string;
    url: string;
    httpStatus?: string;
  }) => {
    if (!check) return (data: unknown) => JSON.stringify(data);
    const validate = ajv.compile(schema);
    return (data: unknown) => {
      if (!validate(data)) {
        // The mismatch rides in the 500's body, so the failing test shows it (only tests check).
        const mismatch = `response of ${method} ${url} (${httpStatus}) does not match its schema: ${ajv.errorsText(validate.errors)}`;
        const { status, body } = pagerDutyError('internal', [mismatch]);
        throw new HttpError(status, body);
      }
      return JSON.stringify(data);
    };
  };
}
