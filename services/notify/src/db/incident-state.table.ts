import { bigint, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import { notifySchema } from './schema';

/**
 * The latest incidents.changed of each incident (highest version wins): its status and assignees
 * cancel pending rules, and its REST snapshot fills emails and webhook payloads.
 */
export const incidentState = notifySchema.table('incident_state', {
  incidentId: text('incident_id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
  status: text('status').notNull(),
  serviceId: text('service_id').notNull(),
  assignedUserIds: jsonb('assigned_user_ids').$type<string[]>().notNull(),
  snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
});

export type IncidentStateRow = typeof incidentState.$inferSelect;
