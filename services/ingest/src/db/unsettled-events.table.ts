import { boolean, index, text, timestamp } from 'drizzle-orm/pg-core';
import { ingestSchema } from './schema';

/**
 * Events some replica answered 503 whose append may still land, by request fingerprint, so a retry
 * reaching any replica gets the same event id and dedup key (see unsettled/shared-unsettled-events.ts).
 * Written only when an append fails; read by every replica's sync; pruned after the retry window.
 */
export const unsettledEvents = ingestSchema.table(
  'unsettled_events',
  {
    fingerprint: text('fingerprint').primaryKey(),
    eventId: text('event_id').notNull(),
    dedupKey: text('dedup_key').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** A retry was accepted: replicas forget the fingerprint, so a later resend is a new event. */
    settled: boolean('settled').notNull().default(false),
    /** Moves on every change; replicas read what changed since their last sync, with an overlap. */
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('unsettled_events_changed_idx').on(t.changedAt)],
);
