import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import type { PolicyPlan } from '../domain/escalation-run';
import { escalationSchema } from './schema';

/**
 * One escalation run per incident: the policy as it was when the incident triggered (later edits do
 * not change a running escalation), where the run is (level, loop, who it assigned) and its durable
 * timer. `due_at` set means the next level is due then; any replica claims due rows with FOR UPDATE
 * SKIP LOCKED and moves them on in the transaction that queues the command, so a restart loses no
 * timer and two replicas never fire one twice. Acknowledge, resolve and direct assignment clear it.
 */
export const runs = escalationSchema.table(
  'runs',
  {
    incidentId: text('incident_id').primaryKey(),
    policy: jsonb('policy').$type<PolicyPlan>().notNull(),
    level: integer('level').notNull(),
    cycle: integer('cycle').notNull(),
    // jsonb, not text[]: insertMany passes one array per column, and unnest flattens arrays of arrays.
    assigneeIds: jsonb('assignee_ids').$type<string[]>().notNull(),
    /** False once the incident resolved or was assigned directly: nothing escalates it any more. */
    active: boolean('active').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('runs_due_idx').on(t.dueAt).where(sql`${t.dueAt} is not null`)],
);

export type RunRow = typeof runs.$inferSelect;
