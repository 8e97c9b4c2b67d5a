import { catalogReplicaTable, outboxLeaseTable, outboxTable } from '@klaxon/db';
import { escalationSchema } from './schema';

export const outbox = outboxTable(escalationSchema);
export const outboxLease = outboxLeaseTable(escalationSchema);
export const catalogReplica = catalogReplicaTable(escalationSchema);
