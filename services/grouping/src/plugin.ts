import path from 'node:path';
import { runMigrations } from '@klaxon/db';
import { replicateCatalog, type ServiceContext, startServiceRelay } from '@klaxon/runtime';
import type { FastifyPluginAsync } from 'fastify';
import { catalogReplica, outbox, outboxLease } from './db';

/** The catalog entities grouping keeps a replica of. */
export const groupingCatalogTypes = ['service', 'integration', 'maintenance_window'] as const;

/** Grouping: alerts into incidents, the incident lifecycle and /incidents (routes and consumers of events.accepted arrive with the grouping issue). */
export const groupingPlugin: FastifyPluginAsync<ServiceContext> = async (app, ctx) => {
  await runMigrations(ctx.db, { folder: path.join(__dirname, '..', 'drizzle'), schema: 'grouping' });
  const relay = startServiceRelay(ctx, { outbox, lease: outboxLease });
  const catalog = await replicateCatalog({
    ...ctx,
    table: catalogReplica,
    group: 'grouping.catalog',
    entityTypes: groupingCatalogTypes,
  });
  app.addHook('onClose', async () => {
    await catalog.stop();
    await relay.stop();
  });
};
