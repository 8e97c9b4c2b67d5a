import { integer, text } from 'drizzle-orm/pg-core';
import { contactMethods } from './contact-methods.table';
import { catalogSchema } from './schema';
import { users } from './users.table';

/**
 * A user's on-call handoff notification rules (PagerDuty's `oncall_handoff_notification_rules`):
 * tell the user on this contact method `notify_advance_in_minutes` before they go on call, off
 * call, or both. Escalation plans the handoffs from the schedules; notify sends them.
 */
export const handoffRules = catalogSchema.table('oncall_handoff_notification_rules', {
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** A rule without its contact method means nothing: deleting the method deletes its rules. */
  contactMethodId: text('contact_method_id')
    .notNull()
    .references(() => contactMethods.id, { onDelete: 'cascade' }),
  notifyAdvanceInMinutes: integer('notify_advance_in_minutes').notNull(),
  /** both, oncall or offcall. */
  handoffType: text('handoff_type').notNull(),
  version: integer('version').notNull().default(1),
});

export type HandoffRuleRow = typeof handoffRules.$inferSelect;
