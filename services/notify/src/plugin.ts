import path from 'node:path';
import { runMigrations } from '@klaxon/db';
import { replicateCatalog, type ServiceContext, startServiceRelay } from '@klaxon/runtime';
import type { FastifyPluginAsync } from 'fastify';
import { catalogReplica, outbox, outboxLease } from './db';

/** The catalog entities notify keeps a replica of. */
export const notifyCatalogTypes = ['user'] as const;

/** Notify: notification attempts and delivery (consumers of notifications.requested arrive with the notify issue). */
export const notifyPlugin: FastifyPluginAsync<ServiceContext> = async (app, ctx) => {
  await runMigrations(ctx.db, { folder: path.join(__dirname, '..', 'drizzle'), schema: 'notify' });
  const relay = startServiceRelay(ctx, { outbox, lease: outboxLease });
  const catalog = await replicateCatalog({
    ...ctx,
    table: catalogReplica,
    group: 'notify.catalog',
    entityTypes: notifyCatalogTypes,
  });
  app.addHook('onClose', async () => {
    await catalog.stop();
    await relay.stop();
  });
};
