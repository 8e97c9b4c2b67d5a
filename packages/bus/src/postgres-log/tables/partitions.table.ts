import { bigint, integer, primaryKey, text } from 'drizzle-orm/pg-core';
import { busSchema } from './schema';
import { topics } from './topics.table';

/**
 * One row per partition, holding the next offset to assign. A publishing transaction locks the rows
 * of the partitions it appends to until it commits, so offsets are gap-free and become visible in
 * offset order: a consumer reading `offset >= position` never skips a row that commits later.
 */
export const partitions = busSchema.table(
  'partitions',
  {
    topic: text('topic')
      .notNull()
      .references(() => topics.name),
    partition: integer('partition').notNull(),
    nextOffset: bigint('next_offset', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.topic, t.partition] })],
);
