import path from 'node:path';
import { deadLetterTopicSpecs, subscribeTo } from '@klaxon/bus';
import { allTopics, topics } from '@klaxon/contracts';
import { runMigrations } from '@klaxon/db';
import { createRateLimiter, defaultPublicUrl, registerRestConventions, restUrls } from '@klaxon/rest';
import {
  pipelineMetrics,
  runsBackground,
  type ServiceContext,
  servesHttp,
  startServiceRelay,
  watchRelay,
} from '@klaxon/runtime';
import type { FastifyPluginAsync } from 'fastify';
import { auditRequests } from './audit-trail';
import { bootstrapOwner } from './bootstrap';
import type { CatalogConfig } from './config';
import { deadLettersConsumer } from './consumers/dead-letters.consumer';
import { incidentsChangedConsumer } from './consumers/incidents-changed.consumer';
import type { CatalogContext } from './context';
import {
  deadLetterCounts,
  keepDeadLetters,
  outbox,
  outboxLease,
  principalByTokenHash,
  recordIncidentStates,
} from './db';
import { abilityRoutes } from './http/abilities.routes';
import { apiTokenRoutes } from './http/api-tokens.routes';
import { auditRecordRoutes } from './http/audit-records.routes';
import { contactMethodRoutes } from './http/contact-methods.routes';
import { deadLetterRoutes } from './http/dead-letters.routes';
import { escalationPolicyRoutes } from './http/escalation-policies.routes';
import { handoffRuleRoutes } from './http/handoff-rules.routes';
import { integrationRoutes } from './http/integrations.routes';
import { maintenanceWindowRoutes } from './http/maintenance-windows.routes';
import { scheduleRoutes } from './http/schedules.routes';
import { serviceRoutes } from './http/services.routes';
import { tagRoutes } from './http/tags.routes';
import { teamRoutes } from './http/teams.routes';
import { userSessionRoutes } from './http/user-sessions.routes';
import { userRoutes } from './http/users.routes';
import { vendorRoutes } from './http/vendors.routes';

export interface CatalogOptions extends ServiceContext {
  config: CatalogConfig;
}

/**
 * The catalog: owns services, integrations, policies, schedules, users, teams and maintenance
 * windows behind PagerDuty's REST API v2; publishes every change on catalog.changes. Consumes
 * incidents.changed into its own read model (service status, open incidents per integration).
 */
export const catalogPlugin: FastifyPluginAsync<CatalogOptions> = async (app, options) => {
  const { db, bus, log, clock, config } = options;
  await runMigrations(db, { folder: path.join(__dirname, '..', 'drizzle'), schema: 'catalog' });
  // REST writes the catalog's outbox and flushes it before answering: its relay serves.
  const relay = startServiceRelay(options, { outbox, lease: outboxLease, owner: 'catalog', runsOn: 'serve' });
  app.addHook('onClose', () => relay.stop());
  const metrics = pipelineMetrics(app.metrics);
  if (runsBackground(options)) {
    // Incident state for service status and open incidents per integration, from grouping's messages.
    const recordIncidents = incidentsChangedConsumer({ apply: (states) => recordIncidentStates(db, states), log });
    const incidents = await subscribeTo(bus, {
      group: 'catalog.incidents',
      topic: topics.incidentsChanged,
      batchHandler: metrics.measured('catalog.incidents', recordIncidents),
    });
    metrics.watchLag(bus, 'catalog.incidents', [topics.incidentsChanged.name]);
    app.addHook('onClose', () => incidents.stop());

    // Every service's dead letters, kept in catalog.dead_letters until replayed or deleted (/dead_letters).
    const deadLetterTopics = deadLetterTopicSpecs(allTopics);
    await bus.ensureTopics(deadLetterTopics);
    const deadLetters = await bus.subscribe({
      group: 'catalog.dead-letters',
      topics: deadLetterTopics.map((t) => t.name),
      batchHandler: deadLettersConsumer({ keep: (letters) => keepDeadLetters(db, letters), log }),
    });
    app.addHook('onClose', () => deadLetters.stop());
  }
  if (!servesHttp(options)) return;
  watchRelay(app, 'catalog', options, outbox, relay);
  metrics.watchDeadLetters(() => deadLetterCounts(db));
  // An empty KLAXON_PUBLIC_URL (as compose files write it) is unset: links follow each request.
  const configuredUrl = config.KLAXON_PUBLIC_URL || undefined;
  const urls = restUrls(configuredUrl ?? defaultPublicUrl);

  if (config.KLAXON_BOOTSTRAP_TOKEN) {
    const result = await bootstrapOwner(db, {
      token: config.KLAXON_BOOTSTRAP_TOKEN,
      email: config.KLAXON_BOOTSTRAP_EMAIL,
      urls,
      now: clock.now(),
    });
    log.info({ result }, 'catalog_bootstrap');
    relay.wake();
  }

  const ctx: CatalogContext = {
    db,
    clock,
    urls,
    published: () => relay.wake(),
    moveOpenIncidentsLimit: config.KLAXON_MOVE_OPEN_INCIDENTS_LIMIT,
  };
  // A write is answered once its changes are on the bus: an integration created a moment ago is
  // then known to ingest as soon as its key can be used (ingest catches up before refusing a key).
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && reply.statusCode < 300) {
      await relay.flush().catch((err: unknown) => log.warn({ err }, 'catalog_publish_deferred'));
    }
    return payload;
  });
  registerRestConventions(app, {
    lookupToken: (tokenHash) => principalByTokenHash(db, tokenHash),
    rateLimiter: createRateLimiter({ limit: config.KLAXON_API_RATE_LIMIT }),
    now: () => clock.now().getTime(),
    publicUrl: configuredUrl,
    trustedProxies: config.KLAXON_TRUSTED_PROXIES,
  });
  auditRequests(app);

  userRoutes(app, ctx);
  userSessionRoutes(app, ctx);
  apiTokenRoutes(app, ctx);
  contactMethodRoutes(app, ctx);
  handoffRuleRoutes(app, ctx);
  teamRoutes(app, ctx);
  escalationPolicyRoutes(app, ctx);
  scheduleRoutes(app, ctx);
  serviceRoutes(app, ctx);
  integrationRoutes(app, ctx);
  vendorRoutes(app, ctx);
  maintenanceWindowRoutes(app, ctx);
  abilityRoutes(app);
  tagRoutes(app, ctx);
  auditRecordRoutes(app, ctx);
  deadLetterRoutes(app, ctx);
};
