import { type OutboxLeaseTable, type OutboxRelay, type OutboxTable, startOutboxRelay } from '@klaxon/db';
import type { FastifyInstance } from 'fastify';
import { pipelineMetrics } from './pipeline-metrics';
import type { ServiceContext } from './service-context';

/** A relay failing this long makes the service not ready: its changes are not reaching the bus. */
const RELAY_FAILING_NOT_READY_MS = 10_000;

/** Starts the relay that publishes a service's outbox on the bus. */
export function startServiceRelay(
  ctx: ServiceContext,
  tables: { outbox: OutboxTable; lease: OutboxLeaseTable },
): OutboxRelay {
  return startOutboxRelay({
    db: ctx.db,
    outbox: tables.outbox,
    lease: tables.lease,
    publish: (topic, messages) => ctx.bus.publish(topic, messages),
    log: ctx.log,
    owner: ctx.instanceId,
  });
}

/**
 * Shows a service's relay on its app: outbox depth and failed passes on /metrics, and /readyz
 * not-ready while every pass has failed for RELAY_FAILING_NOT_READY_MS (a broker away, or a message
 * it refuses), so a stuck relay is seen instead of silently holding every later change back.
 */
export function watchRelay(
  app: Pick<FastifyInstance, 'metrics' | 'addReadyCheck'>,
  owner: string,
  ctx: Pick<ServiceContext, 'db'>,
  outbox: OutboxTable,
  relay: Pick<OutboxRelay, 'health'>,
): void {
  pipelineMetrics(app.metrics).watchOutbox(ctx.db, owner, outbox, relay);
  app.addReadyCheck({
    name: `${owner}_outbox_relay`,
    check: async () => {
      const since = relay.health.failingSince;
      if (since && Date.now() - since.getTime() >= RELAY_FAILING_NOT_READY_MS) {
        throw new Error(`the ${owner} outbox relay has failed every pass since ${since.toISOString()}`);
      }
    },
  });
}
