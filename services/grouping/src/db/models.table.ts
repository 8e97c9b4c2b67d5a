import { jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import { groupingSchema } from './schema';

/** The intelligent grouping model of each service, as the domain's JSON state (one row per service). */
export const models = groupingSchema.table('models', {
  serviceId: text('service_id').primaryKey(),
  state: jsonb('state').$type<unknown>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
