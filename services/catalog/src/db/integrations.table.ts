import { index, integer, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';
import { services } from './services.table';

export const integrations = catalogSchema.table(
  'integrations',
  {
    id: text('id').primaryKey(),
    serviceId: text('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    name: text('name').notNull(),
    vendorId: text('vendor_id'),
    /** The routing key events are sent with: 32 random characters, unique across the account. */
    integrationKey: text('integration_key').notNull().unique(),
    integrationEmail: text('integration_email'),
    /** email_incident_creation, email_filter_mode, email_filters, email_parsers, email_parsing_fallback. */
    emailSettings: jsonb('email_settings').$type<Record<string, unknown>>().notNull().default({}),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('integrations_service_idx').on(t.serviceId)],
);

export type IntegrationRow = typeof integrations.$inferSelect;
