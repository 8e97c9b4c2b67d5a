import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { groupingSchema } from './schema';

/** The images and links an event carried, as PagerDuty's alert body `contexts[]`. */
export type AlertContext =
  | { type: 'image'; src: string; href?: string; alt?: string }
  | { type: 'link'; href: string; text?: string };

/**
 * One alert: an event's trigger, deduplicated by (integration, alert_key) while it is open. The
 * partial unique index makes "one open alert per key" a database invariant, whatever races.
 * Suppressed alerts (triggers during maintenance) have no incident and are stored resolved.
 */
export const alerts = groupingSchema.table(
  'alerts',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id'),
    integrationId: text('integration_id').notNull(),
    serviceId: text('service_id').notNull(),
    alertKey: text('alert_key').notNull(),
    status: text('status').$type<'triggered' | 'resolved'>().notNull(),
    suppressed: boolean('suppressed').notNull().default(false),
    severity: text('severity').notNull(),
    summary: text('summary').notNull(),
    source: text('source').notNull().default(''),
    component: text('component'),
    group: text('group'),
    class: text('class'),
    customDetails: jsonb('custom_details').$type<Record<string, unknown> | null>(),
    contexts: jsonb('contexts').$type<AlertContext[]>().notNull().default([]),
    client: text('client'),
    clientUrl: text('client_url'),
    /** PD-CEF `payload.timestamp` as the sender gave it (ISO 8601, offsets like +0000 kept), or ingest's receipt time. */
    eventTimestamp: text('event_timestamp'),
    firstTriggerLogEntryId: text('first_trigger_log_entry_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('alerts_open_key_idx').on(t.integrationId, t.alertKey).where(sql`${t.status} = 'triggered'`),
    index('alerts_incident_idx').on(t.incidentId),
    // A moved integration's alerts (open and resolved) are found by integration.
    index('alerts_integration_idx').on(t.integrationId),
    index('alerts_service_created_idx').on(t.serviceId, t.createdAt),
  ],
);

export type AlertRow = typeof alerts.$inferSelect;
