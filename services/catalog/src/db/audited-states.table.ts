import { jsonb, primaryKey, text } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';

/**
 * Each entity's state as the audit trail last saw it (audited fields only, secrets already
 * redacted): what the next change is compared with, and where a deleted child's aggregate is known.
 */
export const auditedStates = catalogSchema.table(
  'audited_states',
  {
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    summary: text('summary'),
    resourceType: text('resource_type').notNull(),
    rootType: text('root_type').notNull(),
    rootId: text('root_id').notNull(),
    state: jsonb('state').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.entityType, t.entityId] })],
);

export type AuditedStateRow = typeof auditedStates.$inferSelect;
