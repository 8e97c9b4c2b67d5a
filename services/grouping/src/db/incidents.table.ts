import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import { groupingSchema } from './schema';

/** Account-unique incident numbers, as PagerDuty's `incident_number`: one sequence for the whole account. */
export const incidentNumberSeq = groupingSchema.sequence('incident_number_seq');

/** Who did something to an incident: a user, or the service/integration through the Events API. */
export interface Actor {
  type: 'user' | 'service' | 'integration';
  id: string;
  /** The reference type shown for it when not `<type>_reference` (an integration's own type). */
  refType?: string;
}

export interface AssignmentRecord {
  userId: string;
  at: string;
}

export interface AcknowledgementRecord {
  actor: Actor;
  at: string;
}

/**
 * One incident. The state machine's fields (status, urgency, escalation level, assignees, ack and
 * snooze times, merge) plus what the REST view shows. The grouping window (null = the incident takes
 * no grouped alerts) is where grouping keeps its state per incident. `version` grows with every change.
 */
export const incidents = groupingSchema.table(
  'incidents',
  {
    id: text('id').primaryKey(),
    number: bigint('incident_number', { mode: 'number' })
      .notNull()
      .unique()
      .default(sql`nextval('grouping.incident_number_seq')`),
    title: text('title').notNull(),
    status: text('status').$type<'triggered' | 'acknowledged' | 'resolved'>().notNull(),
    urgency: text('urgency').$type<'high' | 'low'>().notNull(),
    serviceId: text('service_id').notNull(),
    escalationPolicyId: text('escalation_policy_id'),
    escalationLevel: integer('escalation_level').notNull().default(1),
    assignedVia: text('assigned_via').$type<'escalation_policy' | 'direct_assignment'>().notNull(),
    assignments: jsonb('assignments').$type<AssignmentRecord[]>().notNull().default([]),
    acknowledgements: jsonb('acknowledgements').$type<AcknowledgementRecord[]>().notNull().default([]),
    incidentKey: text('incident_key'),
    alertCount: integer('alert_count').notNull().default(0),
    groupingType: text('grouping_type'),
    windowStartedAt: timestamp('window_started_at', { withTimezone: true }),
    windowLastGroupedAt: timestamp('window_last_grouped_at', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    snoozedUntil: timestamp('snoozed_until', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    mergedInto: text('merged_into'),
    priority: jsonb('priority').$type<Record<string, unknown> | null>(),
    details: jsonb('details').$type<unknown>(),
    firstTriggerLogEntryId: text('first_trigger_log_entry_id'),
    lastStatusChangeAt: timestamp('last_status_change_at', { withTimezone: true }).notNull(),
    lastStatusChangeBy: jsonb('last_status_change_by').$type<Actor | null>(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('incidents_service_status_idx').on(t.serviceId, t.status),
    index('incidents_created_idx').on(t.createdAt),
  ],
);

export type IncidentRow = typeof incidents.$inferSelect;
