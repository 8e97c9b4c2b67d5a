import { pgSchema } from 'drizzle-orm/pg-core';

/** Everything grouping owns lives in this schema; no other service reads it. */
export const groupingSchema = pgSchema('grouping');
