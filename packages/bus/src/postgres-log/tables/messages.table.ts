import { bigint, integer, jsonb, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { busSchema, bytea } from './schema';

/** The append-only log: one row per message, addressed by (topic, partition, offset). */
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
  (t) => [primaryKey({ columns: [t.topic, t.partition, t.offset] })],
);
