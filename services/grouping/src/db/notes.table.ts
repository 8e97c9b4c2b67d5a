import { index, text, timestamp } from 'drizzle-orm/pg-core';
import { groupingSchema } from './schema';

/** Incident notes (`/incidents/{id}/notes`), at most 2000 per incident. */
export const notes = groupingSchema.table(
  'notes',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id').notNull(),
    userId: text('user_id').notNull(),
    content: text('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('notes_incident_idx').on(t.incidentId, t.createdAt)],
);

export type NoteRow = typeof notes.$inferSelect;
