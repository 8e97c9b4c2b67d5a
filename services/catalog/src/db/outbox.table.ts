import { outboxLeaseTable, outboxTable } from '@klaxon/db';
import { catalogSchema } from './schema';

export const outbox = outboxTable(catalogSchema);
export const outboxLease = outboxLeaseTable(catalogSchema);
