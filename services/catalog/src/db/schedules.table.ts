import { integer, jsonb, text } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';

export interface StoredRestriction {
  type: 'daily_restriction' | 'weekly_restriction';
  start_time_of_day: string;
  duration_seconds: number;
  start_day_of_week?: number;
}

/** A layer as stored; times are ISO strings, users are ordered ids. */
export interface StoredLayer {
  id: string;
  name: string;
  start: string;
  end: string | null;
  rotation_virtual_start: string;
  rotation_turn_length_seconds: number;
  users: string[];
  restrictions: StoredRestriction[];
}

export const schedules = catalogSchema.table('schedules', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  timeZone: text('time_zone').notNull(),
  layers: jsonb('layers').$type<StoredLayer[]>().notNull(),
  version: integer('version').notNull().default(1),
});

export type ScheduleRow = typeof schedules.$inferSelect;
