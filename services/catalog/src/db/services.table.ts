import { integer, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import { escalationPolicies } from './escalation-policies.table';
import { catalogSchema } from './schema';

export const services = catalogSchema.table('services', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description'),
  /** A policy in use cannot be deleted (PagerDuty refuses it); the foreign key makes that hold. */
  escalationPolicyId: text('escalation_policy_id')
    .notNull()
    .references(() => escalationPolicies.id),
  /** Seconds; null disables. */
  acknowledgementTimeout: integer('acknowledgement_timeout'),
  autoResolveTimeout: integer('auto_resolve_timeout'),
  /** active or disabled; maintenance/warning/critical are derived by other services. */
  status: text('status').notNull().default('active'),
  alertCreation: text('alert_creation').notNull().default('create_alerts_and_incidents'),
  alertGroupingParameters: jsonb('alert_grouping_parameters').$type<Record<string, unknown>>().notNull(),
  incidentUrgencyRule: jsonb('incident_urgency_rule').$type<Record<string, unknown>>().notNull(),
  supportHours: jsonb('support_hours').$type<Record<string, unknown>>(),
  scheduledActions: jsonb('scheduled_actions').$type<Record<string, unknown>[]>().notNull().default([]),
  autoPauseNotificationsParameters: jsonb('auto_pause_notifications_parameters')
    .$type<Record<string, unknown>>()
    .notNull(),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type ServiceRow = typeof services.$inferSelect;
