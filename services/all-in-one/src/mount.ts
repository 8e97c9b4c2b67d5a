import { type CatalogConfig, catalogPlugin } from '@klaxon/catalog';
import { consolePlugin } from '@klaxon/console';
import { type EscalationConfig, escalationPlugin, escalationSettings } from '@klaxon/escalation';
import { type GroupingConfig, groupingPlugin, groupingSettings } from '@klaxon/grouping';
import { type IngestConfig, ingestPlugin } from '@klaxon/ingest';
import { type NotifyConfig, notifyPlugin, notifySettings } from '@klaxon/notify';
import type { ServiceContext } from '@klaxon/runtime';
import type { FastifyInstance } from 'fastify';

export interface AllInOneConfig {
  catalog: CatalogConfig;
  ingest: IngestConfig;
  grouping: GroupingConfig;
  escalation: EscalationConfig;
  notify: NotifyConfig;
}

/**
 * Mounts every service on one app: the only place that imports the services' plugins. Catalog
 * goes first, so the bootstrap owner exists before others start consuming.
 */
export async function mountAll(app: FastifyInstance, ctx: ServiceContext, config: AllInOneConfig): Promise<void> {
  await app.register(catalogPlugin, { ...ctx, config: config.catalog });
  await app.register(ingestPlugin, { ...ctx, config: config.ingest });
  await app.register(groupingPlugin, { ...ctx, ...groupingSettings(config.grouping) });
  await app.register(escalationPlugin, { ...ctx, ...escalationSettings(config.escalation) });
  // Notify alone serves /webhook_subscriptions.
  await app.register(notifyPlugin, { ...ctx, ...notifySettings(config.notify) });
  // The web console at `/`: static files that call the REST API above like any client.
  await app.register(consolePlugin);
}
