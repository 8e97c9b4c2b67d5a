import { bigint, index, text, timestamp } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';

/**
 * The catalog's read model of incidents, fed by incidents.changed (grouping owns incidents; the
 * catalog never reads its tables): the latest status of each incident, for a service's `status` and
 * the open-incident count per integration. `version` is the incident's own version; a message with
 * a lower one (a replay) changes nothing.
 */
export const incidentStates = catalogSchema.table(
  'incident_states',
  {
    incidentId: text('incident_id').primaryKey(),
    serviceId: text('service_id').notNull(),
    /** The integration of the alert that opened the incident; null for one opened by hand. */
    integrationId: text('integration_id'),
    status: text('status').$type<'triggered' | 'acknowledged' | 'resolved'>().notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('incident_states_service_idx').on(t.serviceId, t.status),
    index('incident_states_integration_idx').on(t.integrationId, t.status),
  ],
);

export type IncidentStateRow = typeof incidentStates.$inferSelect;
