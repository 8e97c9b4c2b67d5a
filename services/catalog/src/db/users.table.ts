import { integer, text, timestamp } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';

export const users = catalogSchema.table('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  /** PagerDuty account role: owner, admin, user, limited_user, observer, restricted_access, read_only_user. */
  role: text('role').notNull(),
  timeZone: text('time_zone').notNull(),
  color: text('color'),
  description: text('description'),
  jobTitle: text('job_title'),
  /** Bumped on every change; published with each snapshot so consumers ignore stale ones. */
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type UserRow = typeof users.$inferSelect;
