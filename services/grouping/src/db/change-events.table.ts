import { index, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import type { AlertContext } from './alerts.table';
import { groupingSchema } from './schema';

/**
 * A change event (deploy, build, config change) sent to `/v2/change/enqueue`: kept as context for
 * the incidents of its service (`/change_events`, `/incidents/{id}/related_change_events`). Its id is
 * the events.accepted message id, so a redelivered message cannot store it twice.
 */
export const changeEvents = groupingSchema.table(
  'change_events',
  {
    id: text('id').primaryKey(),
    integrationId: text('integration_id').notNull(),
    serviceId: text('service_id').notNull(),
    summary: text('summary').notNull(),
    source: text('source').notNull().default(''),
    /** payload.timestamp (ingest's receipt time when absent): what since/until and the newest-first order use. */
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    customDetails: jsonb('custom_details').$type<Record<string, unknown> | null>(),
    links: jsonb('links').$type<Extract<AlertContext, { type: 'link' }>[]>().notNull().default([]),
    images: jsonb('images').$type<Extract<AlertContext, { type: 'image' }>[]>().notNull().default([]),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('change_events_service_occurred_idx').on(t.serviceId, t.occurredAt),
    index('change_events_occurred_idx').on(t.occurredAt),
  ],
);

export type ChangeEventRow = typeof changeEvents.$inferSelect;
