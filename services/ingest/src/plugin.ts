import path from 'node:path';
import { subscribeTo } from '@klaxon/bus';
import { topics } from '@klaxon/contracts';
import { runMigrations } from '@klaxon/db';
import { type ServiceContext, servesHttp } from '@klaxon/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { IngestConfig } from './config';
import { catalogChangesConsumer } from './consumers/catalog-changes.consumer';
import { createRouteResolver } from './domain/route-resolver';
import { createRoutingTable, type RoutingTable } from './domain/routing-table';
import { createUnsettledEvents } from './domain/unsettled-events';
import { eventsRoutes } from './http/events.routes';
import { createPgRateStore } from './rate-limit/pg-rate-store';
import { createRateLimiter } from './rate-limit/rate-limiter';
import { createPgUnsettledStore } from './unsettled/pg-unsettled-store';
import { createSharedUnsettledEvents } from './unsettled/shared-unsettled-events';

export interface IngestOptions extends ServiceContext {
  config: IngestConfig;
  /** Injected by tests; a fresh one otherwise. */
  routing?: RoutingTable;
}

const RATE_WINDOW_MS = 60_000;

/**
 * Ingest: the Events API v1/v2 endpoints in front of an in-memory routing table that every replica
 * rebuilds from catalog.changes. Nothing durable but the state its replicas share: rate-limit
 * counters and the events answered 503 whose retries must be the same event.
 */
export const ingestPlugin: FastifyPluginAsync<IngestOptions> = async (app, options) => {
  const { db, bus, clock, log, config } = options;
  // Everything ingest does is answering the Events API.
  if (!servesHttp(options)) return;
  await runMigrations(db, { folder: path.join(__dirname, '..', 'drizzle'), schema: 'ingest' });
  const routing = options.routing ?? createRoutingTable();
  const subscription = await subscribeTo(bus, {
    group: 'ingest.routing',
    topic: topics.catalogChanges,
    readModel: true,
    handler: catalogChangesConsumer(routing),
  });
  const limiter = createRateLimiter({
    limit: config.KLAXON_INGEST_RATE_LIMIT,
    windowMs: RATE_WINDOW_MS,
    store: createPgRateStore(db),
    clock,
    log,
    replica: options.instanceId,
    syncMs: config.KLAXON_INGEST_RATE_SYNC_MS,
    slack: config.KLAXON_INGEST_RATE_SLACK,
  });
  const resolver = createRouteResolver({
    table: routing,
    now: () => clock.now(),
    catchUp: () => subscription.caughtUp(config.KLAXON_INGEST_CATCH_UP_TIMEOUT_MS),
  });
  const windowMs = config.KLAXON_INGEST_RETRY_WINDOW_S * 1000;
  // Shared by the replicas: a client's retry of a 503'd event is the same event on any of them.
  const unsettled = createSharedUnsettledEvents({
    memory: createUnsettledEvents({
      windowMs,
      // Bounds memory through a long outage; past it the oldest attempts are forgotten first.
      maxEntries: 50_000,
      now: () => clock.now(),
    }),
    store: createPgUnsettledStore(db),
    windowMs,
    syncMs: config.KLAXON_INGEST_RETRY_SYNC_MS,
    now: () => clock.now(),
    log,
  });
  await app.register(eventsRoutes, {
    bus,
    resolver,
    limiter,
    clock,
    log,
    unsettled,
    publishTimeoutMs: config.KLAXON_INGEST_PUBLISH_TIMEOUT_MS,
  });
  app.addHook('onClose', async () => {
    await subscription.stop();
    await limiter.stop();
    await unsettled.stop();
  });
};
