import { pgSchema } from 'drizzle-orm/pg-core';

/** Everything the catalog owns lives in this schema; no other service reads it. */
export const catalogSchema = pgSchema('catalog');
