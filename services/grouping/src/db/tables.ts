import { catalogReplicaTable, inboxTable, outboxLeaseTable, outboxTable } from '@klaxon/db';
import { groupingSchema } from './schema';

export const outbox = outboxTable(groupingSchema);
export const outboxLease = outboxLeaseTable(groupingSchema);
export const catalogReplica = catalogReplicaTable(groupingSchema);
/** Ids of the events.accepted messages already applied: a redelivery changes nothing twice. */
export const inbox = inboxTable(groupingSchema);
