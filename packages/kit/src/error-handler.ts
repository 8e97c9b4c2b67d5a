import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { HttpError, pagerDutyError } from './errors';
import { sqlState } from './query-errors';

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
  if (sqlState(error)?.startsWith('22')) {
    // PostgreSQL's data exceptions (a value out of range, a character it cannot store) mean input got
    // past the edge checks: still the client's 400, never a 500; logged, since the edge should have caught it.
    request.log.warn({ err: error }, 'request_refused_by_database');
    return reply
      .status(400)
      .send(pagerDutyError('invalid_input', ['A value is out of range or cannot be stored']).body);
  }
  request.log.error({ err: error }, 'request_failed');
  const { status, body } = pagerDutyError('internal');
  return reply.status(status).send(body);
}

/**
 * Fastify's router errors (frameworkErrors), answered in PagerDuty's body instead of Fastify's: a
 * malformed percent-encoding is a 400; a path parameter longer than any id (FST_ERR_MAX_PARAM_LENGTH)
 * names nothing that exists, so 404.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return handleNotFound(request, reply);
  if (error.code === 'FST_ERR_BAD_URL') {
    return reply.status(400).send(pagerDutyError('invalid_input', ['The URL is not validly percent-encoded']).body);
  }
  return handleError(error, request, reply);
}

// Node's codes for a request that never completed: too slow, or headers too large.
const clientErrorStatus: Readonly<Record<string, [number, string, string]>> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request was not received in time'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'The request headers are too large'],
};

/**
 * Malformed HTTP and requests that time out before reaching Fastify's router (Node's clientError),
 * answered with PagerDuty's body on the raw socket, then closed.
 */
export function handleClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, message] = clientErrorStatus[error.code ?? ''] ?? [
    400,
    'Bad Request',
    'The request is not valid HTTP',
  ];
  const body = JSON.stringify(pagerDutyError('invalid_input', [message]).body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

export function handleNotFound(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = pagerDutyError('not_found');
  return reply.status(status).send(body);
}
