import path from 'node:path';
import { subscribeTo } from '@klaxon/bus';
import { topics } from '@klaxon/contracts';
import { type OutboxRelay, runMigrations } from '@klaxon/db';
import { createRateLimiter, defaultPublicUrl, registerRestConventions, restUrls } from '@klaxon/rest';
import {
  catalogReplicaCaughtUp,
  drainOnClose,
  pipelineMetrics,
  replicateCatalog,
  runsBackground,
  type ServiceContext,
  startServiceRelay,
  watchRelay,
} from '@klaxon/runtime';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { incidentsChangedConsumer } from './consumers/incidents-changed.consumer';
import { catalogReplica, outbox, outboxLease } from './db';
import { applyIncidentChanges } from './escalations/apply-changes';
import type { EscalationContext } from './escalations/context';
import { startHandoffTimers } from './escalations/handoffs';
import { startEscalationTimers } from './escalations/timer-poller';
import { lookupToken } from './http/auth';
import { onCallRoutes } from './http/oncalls.routes';
import { scheduleRoutes } from './http/schedules.routes';

/**
 * The catalog entities escalation keeps a replica of: what policies, schedules and their overrides
 * say, and the users and API tokens that authenticate REST calls.
 */
export const escalationCatalogTypes = [
  'escalation_policy',
  'schedule',
  'schedule_override',
  'user',
  'team',
  'service',
  'api_token',
  'oncall_handoff_notification_rule',
] as const;

/** The consumer group of escalation's catalog replica. */
const CATALOG_GROUP = 'escalation.catalog';

export interface EscalationOptions extends ServiceContext {
  /** The base URL clients use, for `self`/`html_url` (default http://localhost:8080). */
  publicUrl?: string;
  /** Proxies whose X-Forwarded-Proto/-Host are believed (KLAXON_TRUSTED_PROXIES). */
  trustedProxies?: string;
  /** REST requests per minute per API token (PagerDuty: 960). */
  apiRateLimit?: number;
  /** How often escalation timers are polled, in ms; 0 = never (tests fire them). Default 1000. */
  timerPollMs?: number;
  /**
   * How often handoff notifications are planned and fired, in ms (default 1000; 0 = never). Apart
   * from timerPollMs: a handoff is due on the minute, so tests polling escalations fast need not
   * plan handoffs as often.
   */
  handoffPollMs?: number;
}

/**
 * Escalation: who is on call, and running escalation policies. Serves the rendered schedules
 * (`GET /schedules/{id}`, `/schedules/{id}/users`, `POST /schedules/preview`) and `GET /oncalls` from
 * its catalog replica; consumes incidents.changed to run each triggered incident's policy (runs and
 * durable timers in its schema), asking grouping for assignments on incidents.assignments and for
 * notifications on notifications.requested, through its outbox. Plans users' on-call handoff
 * notifications from the rendered schedules (durable timers too) and asks notify to send them.
 */
export const escalationPlugin: FastifyPluginAsync<EscalationOptions> = async (app, options) => {
  const { db, log, clock } = options;
  await runMigrations(db, { folder: path.join(__dirname, '..', 'drizzle'), schema: 'escalation' });
  const relay = startServiceRelay(options, { outbox, lease: outboxLease, owner: 'escalation' });
  const ctx: EscalationContext = { db, clock, log, published: () => relay.wake() };
  const background = runsBackground(options) ? await startBackground(app, options, ctx, relay) : undefined;

  registerRestConventions(app, {
    lookupToken: (hash) => lookupToken(db, hash),
    rateLimiter: createRateLimiter(options.apiRateLimit ? { limit: options.apiRateLimit } : {}),
    now: () => clock.now().getTime(),
    publicUrl: options.publicUrl,
    trustedProxies: options.trustedProxies,
  });
  const urls = restUrls(options.publicUrl ?? defaultPublicUrl);
  scheduleRoutes(app, {
    db,
    urls,
    clock,
    replicaCaughtUp: () => catalogReplicaCaughtUp(options.bus, CATALOG_GROUP),
  });
  onCallRoutes(app, { db, urls, clock, log });

  drainOnClose(app, relay, background);
};

/** The catalog replica, the incidents.changed consumer, the escalation timers and the handoff notifications. */
async function startBackground(
  app: FastifyInstance,
  options: EscalationOptions,
  ctx: EscalationContext,
  relay: OutboxRelay,
) {
  const { log } = options;
  // Outbox depth and consumer lag on /metrics.
  const metrics = pipelineMetrics(app.metrics);
  watchRelay(app, 'escalation', options, outbox, relay);
  metrics.watchLag(options.bus, 'escalation.incidents', [topics.incidentsChanged.name]);
  const catalog = await replicateCatalog({
    ...options,
    table: catalogReplica,
    group: CATALOG_GROUP,
    entityTypes: escalationCatalogTypes,
  });
  const changes = await subscribeTo(options.bus, {
    group: 'escalation.incidents',
    topic: topics.incidentsChanged,
    batchHandler: incidentsChangedConsumer({
      apply: (batch) => applyIncidentChanges(ctx, batch),
      published: ctx.published,
      log,
    }),
  });
  const timers = startEscalationTimers(ctx, {
    pollMs: options.timerPollMs ?? 1000,
    onFired: (lateMs) => metrics.timerFired('escalation', 'escalation_delay', lateMs),
  });
  const handoffs = startHandoffTimers(ctx, { pollMs: options.handoffPollMs ?? 1000 });
  return {
    async stop() {
      await changes.stop();
      await timers.stop();
      await handoffs.stop();
      await catalog.stop();
    },
  };
}
