import { addResponses, errorResponse, type ResponseSchemas } from '@klaxon/kit';
import type { RouteOptions } from 'fastify';

const bodyMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The error answers every REST v2 route can give, documented on the route as the conventions hook
 * (conventions.ts), the body parser and the error handler (kit) really answer them: 400 for input
 * (schema, Accept version, what PostgreSQL could not store), 401 without a valid token, 403 for a
 * read-only token or a role without the right, 429 past the token's rate limit, 404 for a path id
 * that names nothing, 413 and 415 for a body too large or not JSON. A route documents any other
 * status (402, 405, a 404 without path ids) itself.
 */
export function documentRestErrors(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const responses: ResponseSchemas = { '400': errorResponse('invalid_input') };
  if (!route.config?.public) {
    responses['401'] = errorResponse('authentication_failed');
    responses['403'] = errorResponse('access_denied');
    responses['429'] = errorResponse('rate_limited');
  }
  if (route.url.includes(':')) responses['404'] = errorResponse('not_found');
  if (methods.some((method) => bodyMethods.has(method))) {
    responses['413'] = { ...errorResponse('invalid_input'), description: 'The body is larger than the limit' };
    responses['415'] = { ...errorResponse('invalid_input'), description: 'The body is not application/json' };
  }
  addResponses(route, responses);
}
