import { bigint, index, integer, jsonb, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { busSchema, bytea } from './schema';

/**
 * The log: one row per message, addressed by (topic, partition, offset). Rows are only ever appended,
 * or deleted by the cleaner (retention, compaction); offsets are never reused, so a partition may have
 * holes that consumers skip.
 */
export const messages = busSchema.table(
  'messages',
  {
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    offset: bigint('offset', { mode: 'number' }).notNull(),
    key: text('key').notNull(),
    value: bytea('value').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    appendedAt: timestamp('appended_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.topic, t.partition, t.offset] }),
    // Compaction asks, per message, whether its key has a later one in the partition.
    index('messages_key_idx').on(t.topic, t.partition, t.key, t.offset),
  ],
);
