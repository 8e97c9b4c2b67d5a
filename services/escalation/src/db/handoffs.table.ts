import { sql } from 'drizzle-orm';
import { index, text, timestamp } from 'drizzle-orm/pg-core';
import { escalationSchema } from './schema';

/**
 * Planned on-call handoff notifications: durable timers, claimed when due with FOR UPDATE SKIP
 * LOCKED by any replica and marked fired in the transaction that queues their notification, so a
 * restart loses none and two replicas never send one twice. The key names one handoff (rule,
 * schedule, kind, the shift's edge) for good: a replan updates a pending one in place and leaves a
 * fired one alone.
 */
export const handoffTimers = escalationSchema.table(
  'handoff_timers',
  {
    key: text('key').primaryKey(),
    userId: text('user_id').notNull(),
    ruleId: text('rule_id').notNull(),
    contactMethodId: text('contact_method_id').notNull(),
    scheduleId: text('schedule_id').notNull(),
    /** oncall or offcall. */
    kind: text('kind').notNull(),
    shiftStart: timestamp('shift_start', { withTimezone: true }).notNull(),
    shiftEnd: timestamp('shift_end', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    firedAt: timestamp('fired_at', { withTimezone: true }),
  },
  (t) => [index('handoff_timers_due_idx').on(t.dueAt).where(sql`${t.firedAt} is null`)],
);

export type HandoffTimerRow = typeof handoffTimers.$inferSelect;

/**
 * The one plan of handoffs: what the catalog replica looked like when it was made (a fingerprint of
 * the entities it reads) and how far ahead it reaches. A replica finding either out of date plans
 * again, under this row's lock, so plans never interleave.
 */
export const handoffPlan = escalationSchema.table('handoff_plan', {
  name: text('name').primaryKey(),
  fingerprint: text('fingerprint').notNull(),
  plannedUntil: timestamp('planned_until', { withTimezone: true }).notNull(),
});
