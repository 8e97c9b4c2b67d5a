import { index, primaryKey, text } from 'drizzle-orm/pg-core';
import { schedules } from './schedules.table';
import { catalogSchema } from './schema';

/** The users a schedule's layers name: reference checks and the `users[]` of a schedule. */
export const scheduleUsers = catalogSchema.table(
  'schedule_users',
  {
    scheduleId: text('schedule_id')
      .notNull()
      .references(() => schedules.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.userId] }), index('schedule_users_user_idx').on(t.userId)],
);
