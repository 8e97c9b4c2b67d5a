import { catalogReplicaTable, inboxTable, outboxLeaseTable, outboxTable } from '@klaxon/db';
import { notifySchema } from './schema';

export const outbox = outboxTable(notifySchema);
export const outboxLease = outboxLeaseTable(notifySchema);
export const catalogReplica = catalogReplicaTable(notifySchema);
export const inbox = inboxTable(notifySchema);
