import path from 'node:path';
import { runMigrations } from '@klaxon/db';
import { createRateLimiter, registerRestConventions, restUrls } from '@klaxon/rest';
import { replicateCatalog, type ServiceContext, startServiceRelay } from '@klaxon/runtime';
import type { FastifyPluginAsync } from 'fastify';
import { catalogReplica, outbox, outboxLease } from './db';
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
] as const;

export interface EscalationOptions extends ServiceContext {
  /** The base URL clients use, for `self`/`html_url` (default http://localhost:8080). */
  publicUrl?: string;
  /** REST requests per minute per API token (PagerDuty: 960). */
  apiRateLimit?: number;
}

/**
 * Escalation: who is on call. Serves the rendered schedules (`GET /schedules/{id}`,
 * `/schedules/{id}/users`, `POST /schedules/preview`) and `GET /oncalls` from its catalog replica.
 * Escalation runs and their timers (consumers of incidents.changed) arrive with the rest of issue 10.
 */
export const escalationPlugin: FastifyPluginAsync<EscalationOptions> = async (app, options) => {
  const { db, log, clock } = options;
  await runMigrations(db, { folder: path.join(__dirname, '..', 'drizzle'), schema: 'escalation' });
  const relay = startServiceRelay(options, { outbox, lease: outboxLease });
  const catalog = await replicateCatalog({
    ...options,
    table: catalogReplica,
    group: 'escalation.catalog',
    entityTypes: escalationCatalogTypes,
  });

  registerRestConventions(app, {
    lookupToken: (hash) => lookupToken(db, hash),
    rateLimiter: createRateLimiter(options.apiRateLimit ? { limit: options.apiRateLimit } : {}),
    now: () => clock.now().getTime(),
  });
  const urls = restUrls(options.publicUrl ?? 'http://localhost:8080');
  scheduleRoutes(app, { db, urls, clock });
  onCallRoutes(app, { db, urls, clock, log });

  app.addHook('onClose', async () => {
    await catalog.stop();
    await relay.stop();
  });
};
