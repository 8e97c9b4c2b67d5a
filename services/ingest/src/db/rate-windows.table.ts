import { bigint, integer, pgSchema, primaryKey, text } from 'drizzle-orm/pg-core';

/** Ingest keeps nothing durable but these short-lived counters, shared by its replicas. */
export const ingestSchema = pgSchema('ingest');

/** Accepted events per integration per fixed rate-limit window; rows older than two windows are pruned. */
export const rateWindows = ingestSchema.table(
  'rate_windows',
  {
    integrationId: text('integration_id').notNull(),
    windowStart: bigint('window_start', { mode: 'number' }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.windowStart] })],
);
