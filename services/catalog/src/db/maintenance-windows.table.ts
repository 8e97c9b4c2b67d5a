import { integer, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';
import { users } from './users.table';

export const maintenanceWindows = catalogSchema.table('maintenance_windows', {
  id: text('id').primaryKey(),
  sequenceNumber: serial('sequence_number').notNull(),
  startTime: timestamp('start_time', { withTimezone: true }).notNull(),
  endTime: timestamp('end_time', { withTimezone: true }).notNull(),
  description: text('description'),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  version: integer('version').notNull().default(1),
});

export type MaintenanceWindowRow = typeof maintenanceWindows.$inferSelect;
