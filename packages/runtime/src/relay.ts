import { type OutboxLeaseTable, type OutboxRelay, type OutboxTable, startOutboxRelay } from '@klaxon/db';
import type { ServiceContext } from './service-context';

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
