import { pgSchema } from 'drizzle-orm/pg-core';

/** Ingest keeps nothing durable but short-lived state its replicas share: rate counts, unsettled events. */
export const ingestSchema = pgSchema('ingest');
