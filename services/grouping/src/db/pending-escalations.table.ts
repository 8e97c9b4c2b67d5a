import { integer, text, timestamp } from 'drizzle-orm/pg-core';
import { groupingSchema } from './schema';

/**
 * When escalation will move each incident to its next level unless acknowledged, as its last
 * applied command said: shown as PagerDuty's pending_actions `escalate`. The timer itself is
 * escalation's; this copy only renders it. It holds for the policy and level it was set at, so an
 * incident a responder moved on (acknowledged, reassigned, delegated) shows it no more.
 */
export const pendingEscalations = groupingSchema.table('pending_escalations', {
  incidentId: text('incident_id').primaryKey(),
  escalationPolicyId: text('escalation_policy_id').notNull(),
  level: integer('level').notNull(),
  dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
});

export type PendingEscalationRow = typeof pendingEscalations.$inferSelect;
