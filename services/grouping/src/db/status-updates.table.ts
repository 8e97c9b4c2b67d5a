import { index, text, timestamp } from 'drizzle-orm/pg-core';
import { groupingSchema } from './schema';

/** Status updates posted on an incident (`POST /incidents/{id}/status_updates`). */
export const statusUpdates = groupingSchema.table(
  'status_updates',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id').notNull(),
    senderId: text('sender_id').notNull(),
    message: text('message').notNull(),
    subject: text('subject'),
    htmlMessage: text('html_message'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('status_updates_incident_idx').on(t.incidentId, t.createdAt)],
);

export type StatusUpdateRow = typeof statusUpdates.$inferSelect;
