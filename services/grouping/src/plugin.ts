import path from 'node:path';
import { subscribeTo } from '@klaxon/bus';
import { topics } from '@klaxon/contracts';
import { type OutboxRelay, runMigrations } from '@klaxon/db';
import { createRateLimiter, defaultPublicUrl, registerRestConventions } from '@klaxon/rest';
import {
  drainOnClose,
  pipelineMetrics,
  runsBackground,
  type ServiceContext,
  startServiceRelay,
  watchRelay,
} from '@klaxon/runtime';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { catalogChangesConsumer } from './consumers/catalog-changes.consumer';
import { eventsAcceptedConsumer } from './consumers/events-accepted.consumer';
import { incidentAssignmentsConsumer } from './consumers/incident-assignments.consumer';
import { notificationsDeliveredConsumer } from './consumers/notifications-delivered.consumer';
import { createModelStore, outbox, outboxLease } from './db';
import { actionLinkRoutes } from './http/action-links.routes';
import { lookupToken } from './http/auth';
import { incidentRoutes } from './http/routes';
import { applyAssignmentCommands } from './incidents/assignment-commands';
import type { GroupingContext } from './incidents/context';
import { applyAcceptedEvents } from './incidents/event-batch';
import { replicateCatalogChange } from './incidents/follow-integration';
import { logNotifications } from './incidents/notify-log';
import { startTimerPoller } from './timers/timer-poller';
import { groupingUrls } from './views/urls';

/** The catalog entities grouping keeps a replica of (api_token and user authenticate REST calls). */
export const groupingCatalogTypes = [
  'service',
  'integration',
  'maintenance_window',
  'escalation_policy',
  'user',
  'api_token',
] as const;

export interface GroupingOptions extends ServiceContext {
  /** The base URL clients use, for `self`/`html_url` (default http://localhost:8080). */
  publicUrl?: string;
  /** Proxies whose X-Forwarded-Proto/-Host are believed (KLAXON_TRUSTED_PROXIES). */
  trustedProxies?: string;
  /** REST requests per minute per API token (PagerDuty: 960). */
  apiRateLimit?: number;
  /** How often the durable timers are polled, in ms; 0 = never (tests fire them). Default 1000. */
  timerPollMs?: number;
  /** Verifies the acknowledge/resolve links notify sends (KLAXON_ACTION_LINK_SECRET); unset: links refused. */
  actionLinkKey?: string | undefined;
}

/**
 * Grouping: alerts into incidents, the incident lifecycle, durable incident timers, and the
 * /incidents and /log_entries REST API. Consumes events.accepted, catalog.changes, escalation's
 * incidents.assignments and notifications.delivered (notify log entries); publishes incidents.changed
 * through its outbox.
 */
export const groupingPlugin: FastifyPluginAsync<GroupingOptions> = async (app, options) => {
  const { db, log, clock } = options;
  await runMigrations(db, { folder: path.join(__dirname, '..', 'drizzle'), schema: 'grouping' });
  const relay = startServiceRelay(options, { outbox, lease: outboxLease, owner: 'grouping' });
  const ctx: GroupingContext = {
    db,
    clock,
    log,
    urls: groupingUrls(options.publicUrl ?? defaultPublicUrl),
    published: () => relay.wake(),
    models: createModelStore(),
  };
  const background = runsBackground(options) ? await startBackground(app, options, ctx, relay) : undefined;

  registerRestConventions(app, {
    lookupToken: (hash) => lookupToken(db, hash),
    rateLimiter: createRateLimiter(options.apiRateLimit ? { limit: options.apiRateLimit } : {}),
    now: () => clock.now().getTime(),
    publicUrl: options.publicUrl,
    trustedProxies: options.trustedProxies,
  });
  incidentRoutes(app, ctx);
  actionLinkRoutes(app, ctx, { key: options.actionLinkKey, incidentUrl: (id) => ctx.urls.html('incident', id) });

  drainOnClose(app, relay, background);
};

/** The consumers and the timer poller: what grouping does besides answering HTTP. */
async function startBackground(
  app: FastifyInstance,
  options: GroupingOptions,
  ctx: GroupingContext,
  relay: OutboxRelay,
) {
  const { db, bus, log, clock } = options;
  const metrics = pipelineMetrics(app.metrics);
  watchRelay(app, 'grouping', options, outbox, relay);
  // The runtime's replicateCatalog, plus one step in the same transaction: a moved integration's
  // incidents follow it (see incidents/follow-integration.ts).
  const catalog = await subscribeTo(bus, {
    group: 'grouping.catalog',
    topic: topics.catalogChanges,
    handler: catalogChangesConsumer({
      entityTypes: groupingCatalogTypes,
      apply: (change) => replicateCatalogChange(ctx, change),
      published: ctx.published,
      log,
    }),
  });
  const applyEvents = eventsAcceptedConsumer({
    apply: (events) => applyAcceptedEvents(ctx, events),
    published: ctx.published,
    log,
  });
  const events = await subscribeTo(bus, {
    group: 'grouping.events',
    topic: topics.eventsAccepted,
    batchHandler: metrics.measured('grouping.events', applyEvents),
  });
  metrics.watchLag(bus, 'grouping.events', [topics.eventsAccepted.name]);
  metrics.watchLag(bus, 'grouping.catalog', [topics.catalogChanges.name]);
  const poller = startTimerPoller(ctx, {
    pollMs: options.timerPollMs ?? 1000,
    onFired: (kind, lateMs) => metrics.timerFired('grouping', kind, lateMs),
  });
  // Notify's outcomes become notify log entries on their incidents.
  const notifications = await subscribeTo(bus, {
    group: 'grouping.notifications',
    topic: topics.notificationsDelivered,
    batchHandler: notificationsDeliveredConsumer({
      apply: (messages) => logNotifications(db, messages, clock.now()),
      log,
    }),
  });
  metrics.watchLag(bus, 'grouping.notifications', [topics.notificationsDelivered.name]);
  // Escalation asks for assignments and escalations here; grouping stays the incidents' one writer.
  const assignments = await subscribeTo(bus, {
    group: 'grouping.assignments',
    topic: topics.incidentsAssignments,
    batchHandler: incidentAssignmentsConsumer({
      apply: (commands) => applyAssignmentCommands(ctx, commands),
      published: ctx.published,
      log,
    }),
  });
  metrics.watchLag(bus, 'grouping.assignments', [topics.incidentsAssignments.name]);
  return {
    async stop() {
      await events.stop();
      await notifications.stop();
      await assignments.stop();
      await poller.stop();
      await catalog.stop();
    },
  };
}
