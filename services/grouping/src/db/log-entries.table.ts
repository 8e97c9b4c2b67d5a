import { bigserial, index, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import type { Actor } from './incidents.table';
import { groupingSchema } from './schema';

/** What a log entry's channel says: how the action arrived (api, website, timeout, auto, ...) and its details. */
export interface LogChannel {
  type: string;
  summary?: string;
  details?: unknown;
  [key: string]: unknown;
}

/**
 * The incident's log (PagerDuty's log entries, read-only over REST). `seq` orders entries written in
 * the same instant; `type` is the short name (trigger, acknowledge, ...), `_log_entry` is added on read.
 */
export const logEntries = groupingSchema.table(
  'log_entries',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull().unique(),
    type: text('type').notNull(),
    incidentId: text('incident_id').notNull(),
    serviceId: text('service_id').notNull(),
    alertId: text('alert_id'),
    agent: jsonb('agent').$type<Actor | null>(),
    channel: jsonb('channel').$type<LogChannel>().notNull(),
    note: text('note'),
    /** Extra fields of some types: assignees (assign, escalate), changed_actions (snooze), event_details. */
    extra: jsonb('extra').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('log_entries_incident_idx').on(t.incidentId, t.seq), index('log_entries_created_idx').on(t.createdAt)],
);

export type LogEntryRow = typeof logEntries.$inferSelect;
