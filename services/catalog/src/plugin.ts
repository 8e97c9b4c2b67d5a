import path from 'node:path';
import { runMigrations } from '@klaxon/db';
import { type ServiceContext, startServiceRelay } from '@klaxon/runtime';
import type { FastifyPluginAsync } from 'fastify';
import { bootstrapOwner } from './bootstrap';
import type { CatalogConfig } from './config';
import { outbox, outboxLease } from './db';

export interface CatalogOptions extends ServiceContext {
  config: CatalogConfig;
}

/** The catalog: owns services, integrations, policies, schedules, users, teams; publishes catalog.changes. */
export const catalogPlugin: FastifyPluginAsync<CatalogOptions> = async (app, options) => {
  const { db, log, clock, config } = options;
  await runMigrations(db, { folder: path.join(__dirname, '..', 'drizzle'), schema: 'catalog' });
  const relay = startServiceRelay(options, { outbox, lease: outboxLease });
  app.addHook('onClose', () => relay.stop());

  if (config.KLAXON_BOOTSTRAP_TOKEN) {
    const result = await bootstrapOwner(db, {
      token: config.KLAXON_BOOTSTRAP_TOKEN,
      email: config.KLAXON_BOOTSTRAP_EMAIL,
      publicUrl: config.KLAXON_PUBLIC_URL,
      now: clock.now(),
    });
    log.info({ result }, 'catalog_bootstrap');
    relay.wake();
  }
};
