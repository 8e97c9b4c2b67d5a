import { primaryKey, text } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';
import { teams } from './teams.table';
import { users } from './users.table';

export const teamMembers = catalogSchema.table(
  'team_members',
  {
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** manager, responder or observer. */
    role: text('role').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] })],
);

export type TeamMemberRow = typeof teamMembers.$inferSelect;
