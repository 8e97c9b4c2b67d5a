import { pgSchema } from 'drizzle-orm/pg-core';

/** Everything escalation owns lives in this schema; no other service reads it. */
export const escalationSchema = pgSchema('escalation');
