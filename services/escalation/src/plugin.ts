import path from 'node:path';
import { runMigrations } from '@klaxon/db';
import { replicateCatalog, type ServiceContext, startServiceRelay } from '@klaxon/runtime';
import type { FastifyPluginAsync } from 'fastify';
import { catalogReplica, outbox, outboxLease } from './db';

/** The catalog entities escalation keeps a replica of. */
export const escalationCatalogTypes = ['escalation_policy', 'schedule', 'user', 'team', 'service'] as const;

/** Escalation: escalation runs, durable timers, /oncalls (consumers of incidents.changed arrive with the escalation issue). */
export const escalationPlugin: FastifyPluginAsync<ServiceContext> = async (app, ctx) => {
  await runMigrations(ctx.db, { folder: path.join(__dirname, '..', 'drizzle'), schema: 'escalation' });
  const relay = startServiceRelay(ctx, { outbox, lease: outboxLease });
  const catalog = await replicateCatalog({
    ...ctx,
    table: catalogReplica,
    group: 'escalation.catalog',
    entityTypes: escalationCatalogTypes,
  });
  app.addHook('onClose', async () => {
    await catalog.stop();
    await relay.stop();
  });
};
