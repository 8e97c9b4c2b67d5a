import type { Bus } from '@klaxon/bus';
import { encode, topics } from '@klaxon/contracts';
import { newMessageId } from '@klaxon/ids';
import type { Clock } from '@klaxon/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { acceptedEvent, EventSource, generateDedupKey } from '../domain/accepted-event';
import { isObject, type Validation } from '../domain/event-draft';
import type { EventsApi, RouteResolver } from '../domain/route-resolver';
import { validateV1Event } from '../domain/validate-v1';
import { validateChangeEvent, validateV2Event } from '../domain/validate-v2';
import type { RateLimiter } from '../rate-limit/rate-limiter';
import {
  changeAccepted,
  type EventReply,
  invalidEvent,
  JSON_TYPE,
  rateLimited,
  tooLarge,
  unavailable,
  unrecognized,
  v1Accepted,
  v2Accepted,
} from './event-replies';
import { isJson, useRawEventBodies } from './raw-body';

export interface EventsRoutesOptions {
  bus: Pick<Bus, 'publish'>;
  resolver: RouteResolver;
  limiter: Pick<RateLimiter, 'tryTake'>;
  clock: Clock;
  log: Logger;
}

interface Endpoint {
  api: EventsApi;
  source: EventSource;
  validate: (body: Record<string, unknown>, now: Date) => Validation;
  /** The success status and body for an accepted event with its dedup key. */
  accepted: (dedupKey: string) => { status: number; body: string };
  unknownKey: string;
  throttled: 429 | 403;
}

const endpoints: Record<string, Endpoint> = {
  '/v2/enqueue': {
    api: 'v2',
    source: EventSource.EVENTS_V2,
    validate: validateV2Event,
    accepted: (key) => ({ status: 202, body: v2Accepted(key) }),
    unknownKey: 'Invalid routing key',
    throttled: 429,
  },
  '/v2/change/enqueue': {
    api: 'v2',
    source: EventSource.CHANGE_EVENTS,
    validate: validateChangeEvent,
    accepted: () => ({ status: 202, body: changeAccepted }),
    unknownKey: 'Invalid routing key',
    throttled: 429,
  },
  '/generic/2010-04-15/create_event.json': {
    api: 'v1',
    source: EventSource.EVENTS_V1,
    validate: validateV1Event,
    accepted: (key) => ({ status: 200, body: v1Accepted(key) }),
    unknownKey: 'Invalid service key',
    throttled: 403,
  },
};

const send = (reply: FastifyReply, r: EventReply) => reply.code(r.status).type(JSON_TYPE).send(r.body);

/** The Events API v1/v2 endpoints: validate, route, rate-limit, append durably, then answer. */
export async function eventsRoutes(app: FastifyInstance, options: EventsRoutesOptions): Promise<void> {
  const { bus, resolver, limiter, clock, log } = options;
  useRawEventBodies(app);

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, request, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, tooLarge);
    if ((err.statusCode ?? 500) < 500) return send(reply, unrecognized('Request body could not be read'));
    request.log.error({ err }, 'event_request_failed');
    return send(reply, unavailable);
  });

  for (const [url, endpoint] of Object.entries(endpoints)) {
    app.post(url, (request, reply) => handle(endpoint, request, reply));
  }

  async function handle(endpoint: Endpoint, request: FastifyRequest, reply: FastifyReply) {
    if (!isJson(request)) return send(reply, unrecognized('Content-Type must be application/json'));
    let body: unknown;
    try {
      body = JSON.parse((request.body as Buffer | undefined)?.toString('utf8') ?? '');
    } catch {
      return send(reply, unrecognized('JSON parse error'));
    }
    if (!isObject(body)) return send(reply, unrecognized('Event must be a JSON object'));

    const receivedAt = clock.now();
    const validation = endpoint.validate(body, receivedAt);
    if (!validation.ok) return send(reply, invalidEvent(validation.errors));
    const { draft } = validation;

    const route = await resolver.resolve(draft.key, endpoint.api);
    if (!route) return send(reply, invalidEvent([endpoint.unknownKey]));
    const taken = limiter.tryTake(route.integrationId);
    if (!(typeof taken === 'boolean' ? taken : await taken)) return send(reply, rateLimited(endpoint.throttled));

    const dedupKey = draft.action === 'change' ? '' : (draft.dedupKey ?? generateDedupKey());
    const message = encode(
      topics.eventsAccepted,
      acceptedEvent(draft, route, { id: newMessageId(receivedAt), dedupKey, receivedAt, sourceApi: endpoint.source }),
    );
    try {
      await bus.publish(message.topic, [message]);
    } catch (err) {
      log.error({ err, integrationId: route.integrationId }, 'event_publish_failed');
      return send(reply, unavailable);
    }
    const ok = endpoint.accepted(dedupKey);
    return reply.code(ok.status).type(JSON_TYPE).send(ok.body);
  }
}
