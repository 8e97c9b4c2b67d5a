import { httpError } from '@klaxon/kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from './abilities';
import { hashToken, type LookupToken, tokenFromHeader } from './auth';
import { documentRestErrors } from './error-responses';
import { defaultPublicUrl, rebaseLinks, requestBase, trustedProxies } from './public-url';
import type { RateLimiter } from './rate-limit';
import { normalizeBody } from './request-bodies';
import { ensureStorableInput, ensureStorableParams, withIntegerBounds } from './storable-input';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the REST conventions hook on every authenticated route. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** A route anyone may call without a token (the OpenAPI document). */
    public?: boolean;
  }
}

export interface RestConventionsOptions {
  lookupToken: LookupToken;
  rateLimiter: RateLimiter;
  /** Milliseconds now; from the service's clock so tests can move time. */
  now: () => number;
  /** `KLAXON_PUBLIC_URL`; when unset, answers' `self`/`html_url` are based on each request. */
  publicUrl?: string;
  /** `KLAXON_TRUSTED_PROXIES`: peers whose X-Forwarded-Proto/-Host are believed. */
  trustedProxies?: string;
}

const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const versionPattern = /application\/vnd\.pagerduty\+json\s*;\s*version\s*=\s*(\d+)/i;

function checkAccept(request: FastifyRequest): void {
  const accept = request.headers.accept;
  const version = typeof accept === 'string' ? versionPattern.exec(accept)?.[1] : undefined;
  // Without the header PagerDuty uses the key's bound version; here that is always 2.
  if (version !== undefined && version !== '2') {
    throw httpError('invalid_input', [`API version ${version} is not supported; use version=2`]);
  }
}

/**
 * PagerDuty REST API v2 conventions on every route of `app` (an encapsulated plugin scope):
 * `Accept` version, `Authorization: Token token=...`, per-token rate limit with ratelimit-*
 * headers, and read-only tokens refused on writes. Also accepts empty JSON bodies, which official
 * clients send with DELETE and action requests, and bodies shaped as they send them (request-bodies.ts).
 */
export function registerRestConventions(app: FastifyInstance, options: RestConventionsOptions): void {
  app.decorateRequest('principal', null);

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(httpError('invalid_input', ['The request body is not valid JSON']), undefined);
    }
    try {
      ensureStorableInput(parsed, 'body');
    } catch (err) {
      return done(err as Error, undefined);
    }
    done(null, parsed);
  });

  // Every route's error answers documented; its integers bounded by PostgreSQL's integer unless its schema bounds them itself.
  app.addHook('onRoute', (route) => {
    documentRestErrors(route);
    const schema = route.schema;
    if (!schema) return;
    route.schema = {
      ...schema,
      ...(schema.body ? { body: withIntegerBounds(schema.body) } : {}),
      ...(schema.querystring ? { querystring: withIntegerBounds(schema.querystring) } : {}),
      ...(schema.params ? { params: withIntegerBounds(schema.params) } : {}),
    };
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public) return;
    checkAccept(request);
    const token = tokenFromHeader(request.headers.authorization);
    const tokenHash = token === undefined ? undefined : hashToken(token);
    const principal = tokenHash === undefined ? undefined : await options.lookupToken(tokenHash);
    if (!principal || tokenHash === undefined) throw httpError('authentication_failed');
    const rate = options.rateLimiter.take(tokenHash, options.now());
    const headers = {
      'ratelimit-limit': String(rate.limit),
      'ratelimit-remaining': String(rate.remaining),
      'ratelimit-reset': String(rate.resetSeconds),
    };
    reply.headers(headers);
    if (!rate.allowed) throw httpError('rate_limited', undefined, { headers });
    if (principal.access === 'read_only' && !readMethods.has(request.method)) {
      throw httpError('access_denied', ['This API token is read-only']);
    }
    request.principal = principal;
  });

  if (options.publicUrl === undefined) {
    // Links were rendered against the default base; clients following `self` (pdpyras) need the
    // base they called, whatever host and port that was.
    const trust = trustedProxies(options.trustedProxies);
    app.addHook('preSerialization', async (request, _reply, payload) => {
      const base = requestBase(request, trust);
      return base === undefined || base === defaultPublicUrl ? payload : rebaseLinks(payload, defaultPublicUrl, base);
    });
  }

  // Before the body schema runs: ids and query values PostgreSQL could not store refused (404, 400),
  // bare bodies wrapped, id-less references on PUT meaning "unchanged".
  app.addHook('preValidation', async (request) => {
    ensureStorableParams(request.params);
    ensureStorableInput(request.query, 'querystring');
    const schema = request.routeOptions.schema?.body;
    if (schema && request.body !== undefined) request.body = normalizeBody(request.method, schema, request.body);
  });
}

/** The authenticated caller; routes under the conventions hook always have one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw httpError('authentication_failed');
  return request.principal;
}

/**
 * The user a write acts as: the token's own user, whatever `From` says. PagerDuty reads `From` only
 * for account-level keys (which belong to no user); a user's API token always acts as that user.
 * Every Klaxon token belongs to a user, so `From` never chooses the actor: a limited_user's token
 * with `From: owner@...` acts as the limited user (issue 14 item 13). Throws 400 / 2011 only for a
 * caller with no user (none today).
 */
export function actingUserId(request: FastifyRequest): string {
  if (request.principal) return request.principal.userId;
  throw httpError('requester_required');
}
