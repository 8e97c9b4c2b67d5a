import { bigint, integer, primaryKey, text } from 'drizzle-orm/pg-core';
import { ingestSchema } from './schema';

/**
 * Events each ingest replica accepted per integration per one-second bucket. A replica reads the
 * others' rows only: its own it counts in memory. Rows older than the window are pruned.
 */
export const rateBuckets = ingestSchema.table(
  'rate_buckets',
  {
    integrationId: text('integration_id').notNull(),
    /** Start of the bucket, ms since the epoch (a multiple of the bucket length). */
    bucketStart: bigint('bucket_start', { mode: 'number' }).notNull(),
    /** The replica (process instance id) that accepted them. */
    replica: text('replica').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.bucketStart, t.replica] })],
);
