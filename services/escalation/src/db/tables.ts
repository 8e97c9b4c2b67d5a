import { catalogReplicaTable, inboxTable, outboxLeaseTable, outboxTable } from '@klaxon/db';
import { escalationSchema } from './schema';

export const outbox = outboxTable(escalationSchema);
export const outboxLease = outboxLeaseTable(escalationSchema);
export const catalogReplica = catalogReplicaTable(escalationSchema);
/** Ids of the incidents.changed messages already applied: a redelivery notifies and commands nothing twice. */
export const inbox = inboxTable(escalationSchema);
