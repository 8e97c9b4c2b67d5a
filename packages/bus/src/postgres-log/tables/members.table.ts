import { primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { busSchema } from './schema';

/** Live members of each consumer group, by heartbeat; their count sets each member's share of partitions. */
export const members = busSchema.table(
  'members',
  {
    consumerGroup: text('consumer_group').notNull(),
    memberId: text('member_id').notNull(),
    topics: text('topics').array().notNull(),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.consumerGroup, t.memberId] })],
);
