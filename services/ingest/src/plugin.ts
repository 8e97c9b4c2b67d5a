import { subscribeTo } from '@klaxon/bus';
import { topics } from '@klaxon/contracts';
import type { ServiceContext } from '@klaxon/runtime';
import type { FastifyPluginAsync } from 'fastify';
import { catalogChangesConsumer } from './consumers/catalog-changes.consumer';
import { createRoutingTable, type RoutingTable } from './domain/routing-table';

export interface IngestOptions extends ServiceContext {
  /** Injected by tests; a fresh one otherwise. */
  routing?: RoutingTable;
}

/**
 * Ingest: the Events API endpoints (arriving with the ingest issue) in front of an in-memory routing
 * table that every replica rebuilds from catalog.changes.
 */
export const ingestPlugin: FastifyPluginAsync<IngestOptions> = async (app, options) => {
  const routing = options.routing ?? createRoutingTable();
  const subscription = await subscribeTo(options.bus, {
    group: 'ingest.routing',
    topic: topics.catalogChanges,
    readModel: true,
    handler: catalogChangesConsumer(routing),
  });
  app.addHook('onClose', () => subscription.stop());
};
