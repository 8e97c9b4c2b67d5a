import { integer, text, timestamp } from 'drizzle-orm/pg-core';
import { schedules } from './schedules.table';
import { catalogSchema } from './schema';
import { users } from './users.table';

export const scheduleOverrides = catalogSchema.table('schedule_overrides', {
  id: text('id').primaryKey(),
  scheduleId: text('schedule_id')
    .notNull()
    .references(() => schedules.id, { onDelete: 'cascade' }),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  start: timestamp('start', { withTimezone: true }).notNull(),
  end: timestamp('end', { withTimezone: true }).notNull(),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type ScheduleOverrideRow = typeof scheduleOverrides.$inferSelect;
