import { bigserial, index, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import type { AuditDetails } from '../domain/audit-changes';
import { catalogSchema } from './schema';

/**
 * The audit trail (/audit/records): one row per create, update or delete of a catalog entity, written
 * in the transaction that made the change. `seq` orders records written in the same millisecond
 * (one request often changes several entities) and anchors cursors.
 */
export const auditRecords = catalogSchema.table(
  'audit_records',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull().unique(),
    executionTime: timestamp('execution_time', { withTimezone: true, precision: 3 }).notNull(),
    requestId: text('request_id'),
    remoteAddress: text('remote_address'),
    /** The acting user (`user_reference`); null for changes no request made (the bootstrap owner). */
    actorId: text('actor_id'),
    actorSummary: text('actor_summary'),
    /** PagerDuty's method types: `api_token` for every token call, `other` for the bootstrap. */
    methodType: text('method_type').notNull(),
    /** The last four characters of the token, as PagerDuty shows them; never more of it. */
    methodTruncatedToken: text('method_truncated_token'),
    methodDescription: text('method_description'),
    /** The aggregate's REST path type (`users`, `services`, ...), which `root_resource_types[]` filters on. */
    rootType: text('root_type').notNull(),
    rootId: text('root_id').notNull(),
    rootSummary: text('root_summary'),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    resourceSummary: text('resource_summary'),
    details: jsonb('details').$type<AuditDetails>().notNull(),
  },
  (t) => [
    index('audit_records_time_idx').on(t.executionTime, t.seq),
    index('audit_records_root_idx').on(t.rootType, t.rootId, t.executionTime),
  ],
);

export type AuditRecordRow = typeof auditRecords.$inferSelect;
