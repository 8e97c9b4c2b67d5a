import { catalogReplicaTable, outboxLeaseTable, outboxTable } from '@klaxon/db';
import { groupingSchema } from './schema';

export const outbox = outboxTable(groupingSchema);
export const outboxLease = outboxLeaseTable(groupingSchema);
export const catalogReplica = catalogReplicaTable(groupingSchema);
