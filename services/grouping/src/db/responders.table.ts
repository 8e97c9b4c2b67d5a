import { index, jsonb, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { groupingSchema } from './schema';

/** A target of a responder request: a user, or an escalation policy whose on-call is asked. */
export interface ResponderTarget {
  type: 'user' | 'escalation_policy';
  id: string;
}

/** Responder requests made on incidents (POST /incidents/{id}/responder_requests), oldest first. */
export const responderRequests = groupingSchema.table(
  'responder_requests',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id').notNull(),
    requesterId: text('requester_id').notNull(),
    message: text('message').notNull(),
    targets: jsonb('targets').$type<ResponderTarget[]>().notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('responder_requests_incident_idx').on(t.incidentId, t.requestedAt)],
);

/**
 * The responders of each incident (PagerDuty's incidents_responders): one row per incident and
 * user, from the latest request that asked them, directly or through escalation policies (their
 * ids in `policyIds`). Users asked through a policy are added once escalation has resolved its
 * on-call.
 */
export const incidentResponders = groupingSchema.table(
  'incident_responders',
  {
    incidentId: text('incident_id').notNull(),
    userId: text('user_id').notNull(),
    requestId: text('request_id').notNull(),
    state: text('state').$type<'pending' | 'joined' | 'declined' | 'user_cancelled'>().notNull(),
    policyIds: jsonb('policy_ids').$type<string[]>().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.userId] })],
);

export type ResponderRequestRow = typeof responderRequests.$inferSelect;
export type IncidentResponderRow = typeof incidentResponders.$inferSelect;
