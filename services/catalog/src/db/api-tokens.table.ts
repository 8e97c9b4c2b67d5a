import { integer, text, timestamp } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';
import { users } from './users.table';

export const apiTokens = catalogSchema.table('api_tokens', {
  id: text('id').primaryKey(),
  /** SHA-256 of the token: the token itself is never stored. */
  tokenHash: text('token_hash').notNull().unique(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** full_access or read_only, as PagerDuty's API keys. */
  access: text('access').notNull(),
  description: text('description').notNull(),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type ApiTokenRow = typeof apiTokens.$inferSelect;
