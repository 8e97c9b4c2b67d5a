import { pgSchema } from 'drizzle-orm/pg-core';

/** Everything notify owns lives in this schema; no other service reads it. */
export const notifySchema = pgSchema('notify');
