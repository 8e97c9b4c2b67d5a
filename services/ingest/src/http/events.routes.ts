import type { Bus } from '@klaxon/bus';
import { encode, topics } from '@klaxon/contracts';
import { newMessageId } from '@klaxon/ids';
import type { Clock } from '@klaxon/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { acceptedEvent, EventSource, generateDedupKey } from '../domain/accepted-event';
import { isObject, type Validation } from '../domain/event-draft';
import type { EventsApi, RouteResolver } from '../domain/route-resolver';
import { type EventIdentity, eventFingerprint, type UnsettledEvents } from '../domain/unsettled-events';
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
import { changeEnqueueSchema, enqueueSchema, v1EventSchema } from './events.schemas';
import { isJson, useRawEventBodies } from './raw-body';

export interface EventsRoutesOptions {
  bus: Pick<Bus, 'publish'>;
  resolver: RouteResolver;
  limiter: Pick<RateLimiter, 'tryTake'>;
  clock: Clock;
  log: Logger;
  /** Longest an append may take before the sender gets a 503 (the append may still land later). */
  publishTimeoutMs: number;
  unsettled: UnsettledEvents;
}

class PublishTimeout extends Error {
  constructor(ms: number) {
    super(`the event was not appended within ${ms} ms`);
    this.name = 'PublishTimeout';
  }
}

/** The append, or a PublishTimeout after `ms`; a late outcome of the append is ignored, not unhandled. */
async function publishWithin(ms: number, publish: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PublishTimeout(ms)), ms);
  });
  publish.catch(() => undefined);
  try {
    await Promise.race([publish, late]);
  } finally {
    clearTimeout(timer);
  }
}

interface Endpoint {
  api: EventsApi;
  source: EventSource;
  validate: (body: Record<string, unknown>, now: Date) => Validation;
  /** The success status and body for an accepted event with its dedup key. */
  accepted: (dedupKey: string) => { status: number; body: string };
  unknownKey: string;
  throttled: 429 | 403;
  /** Its OpenAPI description (events.schemas.ts). */
  schema: object;
}

const endpoints: Record<string, Endpoint> = {
  '/v2/enqueue': {
    api: 'v2',
    source: EventSource.EVENTS_V2,
    validate: validateV2Event,
    accepted: (key) => ({ status: 202, body: v2Accepted(key) }),
    unknownKey: 'Invalid routing key',
    throttled: 429,
    schema: enqueueSchema,
  },
  '/v2/change/enqueue': {
    api: 'v2',
    source: EventSource.CHANGE_EVENTS,
    validate: validateChangeEvent,
    accepted: () => ({ status: 202, body: changeAccepted }),
    unknownKey: 'Invalid routing key',
    throttled: 429,
    schema: changeEnqueueSchema,
  },
  '/generic/2010-04-15/create_event.json': {
    api: 'v1',
    source: EventSource.EVENTS_V1,
    validate: validateV1Event,
    accepted: (key) => ({ status: 200, body: v1Accepted(key) }),
    unknownKey: 'Invalid service key',
    throttled: 403,
    schema: v1EventSchema,
  },
};

const send = (reply: FastifyReply, r: EventReply) => reply.code(r.status).type(JSON_TYPE).send(r.body);

/** The Events API v1/v2 endpoints: validate, route, rate-limit, append durably, then answer. */
export async function eventsRoutes(app: FastifyInstance, options: EventsRoutesOptions): Promise<void> {
  const { bus, resolver, limiter, clock, log, unsettled, publishTimeoutMs } = options;
  useRawEventBodies(app);

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, request, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, tooLarge);
    if ((err.statusCode ?? 500) < 500) return send(reply, unrecognized('Request body could not be read'));
    request.log.error({ err }, 'event_request_failed');
    return send(reply, unavailable);
  });

  for (const [url, endpoint] of Object.entries(endpoints)) {
    // The schema describes; the handler validates (the body is still raw bytes here), so Fastify's
    // validation is off for these routes.
    app.post(url, { schema: endpoint.schema, validatorCompiler: () => () => true }, (request, reply) =>
      handle(url, endpoint, request, reply),
    );
  }

  async function handle(url: string, endpoint: Endpoint, request: FastifyRequest, reply: FastifyReply) {
    if (!isJson(request)) return send(reply, unrecognized('Content-Type must be application/json'));
    const raw = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
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

    // Hashing the body is needed only to recognise a retry, or to remember an attempt that failed;
    // once hashed, the same fingerprint serves both.
    let hashed: string | undefined;
    const fingerprint = () => {
      hashed ??= eventFingerprint(url, route.integrationId, raw);
      return hashed;
    };
    const earlier = unsettled.empty ? undefined : unsettled.recall(fingerprint());
    const identity: EventIdentity = earlier ?? {
      id: newMessageId(receivedAt),
      dedupKey: draft.action === 'change' ? '' : (draft.dedupKey ?? generateDedupKey()),
      receivedAt,
    };
    const { dedupKey } = identity;
    const message = encode(
      topics.eventsAccepted,
      acceptedEvent(draft, route, { ...identity, sourceApi: endpoint.source }),
    );
    try {
      await publishWithin(publishTimeoutMs, bus.publish(message.topic, [message]));
    } catch (err) {
      log.error({ err, integrationId: route.integrationId }, 'event_publish_failed');
      // The append may still land: a retry of this request must be the same event, not a second one.
      await unsettled.remember(fingerprint(), identity);
      return send(reply, unavailable);
    }
    if (earlier) unsettled.forget(fingerprint());
    const ok = endpoint.accepted(dedupKey);
    return reply.code(ok.status).type(JSON_TYPE).send(ok.body);
  }
}
