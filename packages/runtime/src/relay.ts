import { BroadcastChannel } from 'node:worker_threads';
import { type OutboxLeaseTable, type OutboxRelay, type OutboxTable, startOutboxRelay } from '@klaxon/db';
import type { FastifyInstance } from 'fastify';
import { pipelineMetrics } from './pipeline-metrics';
import type { ServiceContext, ServiceRole } from './service-context';

/** A relay failing this long makes the service not ready: its changes are not reaching the bus. */
const RELAY_FAILING_NOT_READY_MS = 10_000;

export interface ServiceRelayTables {
  outbox: OutboxTable;
  lease: OutboxLeaseTable;
  /** The outbox's service: names the channel the other thread's wakes come over. */
  owner: string;
  /**
   * Where the relay runs when the all-in-one splits a service over two threads: `background` for
   * outboxes that consumers mostly write, `serve` for catalog's, which REST writes and flushes.
   */
  runsOn?: Exclude<ServiceRole, 'all'>;
}

/**
 * Starts the relay that publishes a service's outbox on the bus. In a split all-in-one only the
 * thread the relay runs on publishes; the other thread's writes wake it over a BroadcastChannel,
 * so a REST acknowledgement is published as promptly as a consumer's work.
 */
export function startServiceRelay(ctx: ServiceContext, tables: ServiceRelayTables): OutboxRelay {
  const role = ctx.role ?? 'all';
  const runsOn = tables.runsOn ?? 'background';
  if (role === 'all') return localRelay(ctx, tables);
  const channel = new BroadcastChannel(`klaxon:relay:${tables.owner}`);
  channel.unref();
  if (role !== runsOn) {
    // The relay is in the other thread; it also flushes itself when it stops.
    return {
      health: { errors: 0, failingSince: undefined },
      wake: () => channel.postMessage('wake'),
      flush: async () => channel.postMessage('wake'),
      stop: async () => channel.close(),
    };
  }
  const relay = localRelay(ctx, tables);
  channel.onmessage = () => relay.wake();
  return {
    health: relay.health,
    wake: () => relay.wake(),
    flush: () => relay.flush(),
    stop: async () => {
      channel.close();
      await relay.stop();
    },
  };
}

function localRelay(ctx: ServiceContext, tables: ServiceRelayTables): OutboxRelay {
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
 * Shows a service's relay on the app of the thread it runs on: outbox depth and failed passes on /metrics, and /readyz
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

/**
 * Drains a service on close in dependency order: its background duties stop taking work (and
 * finish what they hold), then the relay publishes what that work queued, then stops.
 */
export function drainOnClose(
  app: Pick<FastifyInstance, 'addHook'>,
  relay: OutboxRelay,
  background: { stop(): Promise<void> } | undefined,
): void {
  app.addHook('onClose', async () => {
    await background?.stop();
    await relay.flush();
    await relay.stop();
  });
}
