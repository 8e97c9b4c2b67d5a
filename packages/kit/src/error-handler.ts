import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { HttpError, pagerDutyError } from './errors';

function join(path: string, key: unknown): string {
  return path ? `${path}.${String(key)}` : String(key);
}

/**
 * One readable sentence per ajv error, naming the field as a dotted path from the request part
 * (`body.incident.title is required`), since PagerDuty clients show `errors[]` to people.
 * Exported for APIs with another error body (the Events APIs) that still want these sentences.
 */
export function describeValidationErrors(errors: FastifySchemaValidationError[], context?: string): string[] {
  return errors.map((error) => {
    const segments = error.instancePath
      .split('/')
      .filter(Boolean)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const path = [context, ...segments].filter(Boolean).join('.');
    switch (error.keyword) {
      case 'required':
        return `${join(path, error.params.missingProperty)} is required`;
      case 'additionalProperties':
        return `${join(path, error.params.additionalProperty)} is not allowed`;
      case 'enum':
        // String(null) is 'null': a nullable enum's last choice must not print as an empty one.
        return `${path} must be one of: ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`;
      default:
        return `${path} ${error.message ?? 'is invalid'}`.trim();
    }
  });
}

function isClientFrameworkError(error: Partial<FastifyError>): error is FastifyError & { statusCode: number } {
  return (
    typeof error.code === 'string' &&
    error.code.startsWith('FST_') &&
    typeof error.statusCode === 'number' &&
    error.statusCode >= 400 &&
    error.statusCode < 500
  );
}

/**
 * The single error handler: every failure leaves as a known body. Only HttpErrors, schema
 * validation and Fastify's own client errors (bad JSON, empty body, too large, wrong media type)
 * reach the client as themselves; anything else is a bug, logged whole and answered with a bare
 * 500 so no internals leak.
 */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof HttpError) {
    if (error.status >= 500) request.log.error({ err: error }, 'request_failed');
    return reply.status(error.status).headers(error.headers).send(error.body);
  }
  const candidate = (typeof error === 'object' && error !== null ? error : {}) as Partial<FastifyError>;
  if (candidate.validation) {
    const { status, body } = pagerDutyError(
      'invalid_input',
      describeValidationErrors(candidate.validation, candidate.validationContext),
    );
    return reply.status(status).send(body);
  }
  if (isClientFrameworkError(candidate)) {
    // Keeps 413 and 415 distinct from 400: clients react differently to each.
    return reply.status(candidate.statusCode).send(pagerDutyError('invalid_input', [candidate.message]).body);
  }
  if (candidate.code === 'KLAXON_MESSAGE_TOO_LARGE') {
    // A change whose message the bus could never carry (db's MessageTooLargeError); nothing was written.
    const { status, body } = pagerDutyError('product_limit_reached', [
      'The change makes a record too large to publish; split it (for example, fewer integrations per service).',
    ]);
    return reply.status(status).send(body);
  }
  request.log.error({ err: error }, 'request_failed');
  const { status, body } = pagerDutyError('internal');
  return reply.status(status).send(body);
}

export function handleNotFound(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = pagerDutyError('not_found');
  return reply.status(status).send(body);
}
