import { index, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { groupingSchema } from './schema';

/**
 * Durable incident timers (acknowledgement timeout, auto-resolve, snooze end): at most one of each
 * kind per incident. Any replica claims due rows with FOR UPDATE SKIP LOCKED and deletes them in
 * the transaction that applies them, so a crash or restart loses none and none fires twice.
 */
export const timers = groupingSchema.table(
  'timers',
  {
    incidentId: text('incident_id').notNull(),
    kind: text('kind').$type<'acknowledgement_timeout' | 'auto_resolve' | 'snooze'>().notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.kind] }), index('timers_due_idx').on(t.dueAt)],
);

export type TimerRow = typeof timers.$inferSelect;
