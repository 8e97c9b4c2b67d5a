import { integer, text } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';

export const teams = catalogSchema.table('teams', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  /** manager (public team) or none (private team). */
  defaultRole: text('default_role').notNull().default('manager'),
  parentId: text('parent_id'),
  version: integer('version').notNull().default(1),
});

export type TeamRow = typeof teams.$inferSelect;
