import { sql } from 'drizzle-orm';
import { integer, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';

/** Tags (/tags): labels are unique whatever their case, as PagerDuty matches `{type: tag, label}` by label. */
export const tags = catalogSchema.table(
  'tags',
  {
    id: text('id').primaryKey(),
    label: text('label').notNull(),
    /** Bumped when the tag or the entities it is on change; published with its snapshot on catalog.changes. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tags_label_lower_key').on(sql`lower(${t.label})`)],
);

export type TagRow = typeof tags.$inferSelect;
