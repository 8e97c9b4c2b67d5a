import { boolean, integer, text } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';
import { users } from './users.table';

export const contactMethods = catalogSchema.table('contact_methods', {
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** email_contact_method, phone_contact_method, sms_contact_method, push_notification_contact_method, ... */
  type: text('type').notNull(),
  label: text('label').notNull(),
  address: text('address').notNull(),
  countryCode: integer('country_code'),
  sendShortEmail: boolean('send_short_email').notNull().default(false),
  version: integer('version').notNull().default(1),
});

export type ContactMethodRow = typeof contactMethods.$inferSelect;
