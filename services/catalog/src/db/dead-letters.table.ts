import { bytea } from '@klaxon/db';
import { index, integer, jsonb, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';

/**
 * Messages a consumer group set aside (from every `<topic>.dead-letter` topic), kept until an
 * operator replays or deletes them: a topic alone is trimmed by retention and is no list to work from.
 */
export const deadLetters = catalogSchema.table(
  'dead_letters',
  {
    id: text('id').primaryKey(),
    /** Where the message was when it failed, and the group it failed in. */
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    offset: text('offset').notNull(),
    group: text('consumer_group').notNull(),
    /** `rejected` (the handler said it can never succeed) or `max_attempts`. */
    reason: text('reason').notNull(),
    attempts: integer('attempts').notNull(),
    error: text('error'),
    /** The original message, as a replay publishes it again. */
    key: text('key').notNull(),
    value: bytea('value').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    appendedAt: timestamp('appended_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The dead-letter topic is at least once: a copy appended twice is kept once.
    uniqueIndex('dead_letters_origin_key').on(t.topic, t.partition, t.offset, t.group),
    index('dead_letters_created_idx').on(t.createdAt, t.id),
  ],
);

export type DeadLetterRow = typeof deadLetters.$inferSelect;
