import { sql } from 'drizzle-orm';
import { text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';

/** Tags (/tags): labels are unique whatever their case, as PagerDuty matches `{type: tag, label}` by label. */
export const tags = catalogSchema.table(
  'tags',
  {
    id: text('id').primaryKey(),
    label: text('label').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tags_label_lower_key').on(sql`lower(${t.label})`)],
);

export type TagRow = typeof tags.$inferSelect;
