import { integer, text } from 'drizzle-orm/pg-core';
import { contactMethods } from './contact-methods.table';
import { catalogSchema } from './schema';
import { users } from './users.table';

export const notificationRules = catalogSchema.table('notification_rules', {
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  startDelayInMinutes: integer('start_delay_in_minutes').notNull(),
  /** A rule without its contact method means nothing: deleting the method deletes its rules. */
  contactMethodId: text('contact_method_id')
    .notNull()
    .references(() => contactMethods.id, { onDelete: 'cascade' }),
  urgency: text('urgency').notNull(),
  version: integer('version').notNull().default(1),
});

export type NotificationRuleRow = typeof notificationRules.$inferSelect;
