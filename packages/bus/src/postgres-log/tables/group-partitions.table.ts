import { bigint, integer, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { busSchema } from './schema';

/**
 * A consumer group's state per partition: its committed position and who leases the partition.
 * Only the owner of an unexpired lease processes the partition, and a commit moves the position only
 * while the committer is still the owner.
 */
export const groupPartitions = busSchema.table(
  'group_partitions',
  {
    consumerGroup: text('consumer_group').notNull(),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    /** The next offset to process; a new group starts at the beginning of the log. */
    committedOffset: bigint('committed_offset', { mode: 'number' }).notNull().default(0),
    owner: text('owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.consumerGroup, t.topic, t.partition] })],
);
