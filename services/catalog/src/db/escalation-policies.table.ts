import { integer, jsonb, text } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';
import { teams } from './teams.table';

/** One level of a policy as stored; targets are `{type: user|schedule, id}`. */
export interface StoredRule {
  id: string;
  escalation_delay_in_minutes: number;
  targets: { type: 'user' | 'schedule'; id: string }[];
  escalation_rule_assignment_strategy?: 'round_robin' | 'assign_to_everyone';
}

export const escalationPolicies = catalogSchema.table('escalation_policies', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  numLoops: integer('num_loops').notNull().default(0),
  onCallHandoffNotifications: text('on_call_handoff_notifications').notNull().default('if_has_services'),
  rules: jsonb('rules').$type<StoredRule[]>().notNull(),
  /** PagerDuty allows one team per policy; a service's teams are its policy's team. */
  teamId: text('team_id').references(() => teams.id, { onDelete: 'set null' }),
  version: integer('version').notNull().default(1),
});

export type EscalationPolicyRow = typeof escalationPolicies.$inferSelect;
