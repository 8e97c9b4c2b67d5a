import { sql } from 'drizzle-orm';
import { boolean, check, integer, text, timestamp } from 'drizzle-orm/pg-core';
import { busSchema } from './schema';

/** Topics made by ensureTopics; publishing to a topic missing here is refused. */
export const topics = busSchema.table(
  'topics',
  {
    name: text('name').primaryKey(),
    /** Fixed at creation: a key's partition is its hash modulo this count. */
    partitions: integer('partitions').notNull(),
    /** Kafka's cleanup.policy=compact: the cleaner keeps the latest message per key instead of expiring by age. */
    compacted: boolean('compacted').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('topics_partitions_positive', sql`${t.partitions} > 0`)],
);
