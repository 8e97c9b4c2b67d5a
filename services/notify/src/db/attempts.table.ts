import { bigint, index, integer, jsonb, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { notifySchema } from './schema';

/** The channels a contact method maps to; `unknown` is a type notify cannot deliver to. */
export type ChannelKind = 'email' | 'sms' | 'phone' | 'push' | 'unknown';

/**
 * pending: waits for due_at (the rule's start delay, a retry's backoff or the storm window).
 * sending: claimed by a dispatcher until lease_until; an expired lease is claimed again.
 * sent / failed / cancelled / unsupported: final.
 */
/** An on-call handoff an attempt tells of (it has no incident): PagerDuty's on-call handoff notification. */
export interface HandoffFacts {
  kind: 'oncall' | 'offcall';
  scheduleId: string;
  scheduleName: string;
  /** ISO 8601 instants of the shift. */
  shiftStart: string;
  shiftEnd: string;
  /** The schedule's zone, which messages show the times in. */
  timeZone: string;
}

export type AttemptState = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled' | 'unsupported';

/**
 * One notification of one user about one incident through one rule: a durable timer (due_at) and
 * its outcome. The unique (incident, user, rule, cycle) key is what makes a redelivered request or
 * a restart send nothing twice, while the policy's next loop notifies again.
 */
export const attempts = notifySchema.table(
  'attempts',
  {
    id: text('id').primaryKey(),
    requestId: text('request_id').notNull(),
    incidentId: text('incident_id').notNull(),
    userId: text('user_id').notNull(),
    /** The notification rule; for a request naming a contact method, `direct:<request id>`. */
    ruleId: text('rule_id').notNull(),
    escalationCycle: integer('escalation_cycle').notNull(),
    escalationLevel: integer('escalation_level').notNull(),
    contactMethodId: text('contact_method_id').notNull(),
    channel: text('channel').$type<ChannelKind>().notNull(),
    address: text('address').notNull(),
    urgency: text('urgency').notNull(),
    reason: text('reason').notNull(),
    serviceId: text('service_id').notNull(),
    incidentTitle: text('incident_title').notNull(),
    incidentNumber: bigint('incident_number', { mode: 'number' }).notNull(),
    state: text('state').$type<AttemptState>().notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    tries: integer('tries').notNull().default(0),
    /** The last failure, or why it was cancelled. */
    detail: text('detail'),
    /** The provider's id of what was sent (SMTP message id, Twilio sid). */
    providerRef: text('provider_ref'),
    /** The provider's latest delivery status (Twilio's status callbacks: delivered, undelivered, no-answer...). */
    providerStatus: text('provider_status'),
    providerStatusAt: timestamp('provider_status_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Set for an on-call handoff notification (incident_id is then empty). */
    handoff: jsonb('handoff').$type<HandoffFacts>(),
  },
  (t) => [
    uniqueIndex('attempts_key_idx').on(t.incidentId, t.userId, t.ruleId, t.escalationCycle),
    index('attempts_due_idx').on(t.state, t.dueAt),
    index('attempts_incident_idx').on(t.incidentId),
    // Status callbacks find a bundle's attempts by the provider's sid.
    index('attempts_provider_ref_idx').on(t.providerRef),
  ],
);

export type AttemptRow = typeof attempts.$inferSelect;
export type NewAttempt = typeof attempts.$inferInsert;

/**
 * Storm safety: when a user's next SMS or call may go out at the earliest. Attempts due before that
 * wait and are then sent together as one bundled message.
 */
export const channelWindows = notifySchema.table(
  'channel_windows',
  {
    userId: text('user_id').notNull(),
    channel: text('channel').$type<ChannelKind>().notNull(),
    openAt: timestamp('open_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('channel_windows_key_idx').on(t.userId, t.channel)],
);
