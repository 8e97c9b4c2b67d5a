import type { Executor } from '@klaxon/db';
import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { type ChangeEventRow, changeEvents } from './change-events.table';

export interface ChangeEventFilter {
  /** null: every service; [] matches nothing (a team filter naming no service). */
  serviceIds: readonly string[] | null;
  integrationIds: readonly string[];
  since?: Date | undefined;
  until?: Date | undefined;
}

function whereOf(f: ChangeEventFilter): SQL | undefined {
  const where: SQL[] = [];
  if (f.serviceIds)
    where.push(f.serviceIds.length > 0 ? inArray(changeEvents.serviceId, [...f.serviceIds]) : sql`false`);
  if (f.integrationIds.length > 0) where.push(inArray(changeEvents.integrationId, [...f.integrationIds]));
  if (f.since) where.push(sql`${changeEvents.occurredAt} >= ${f.since.toISOString()}`);
  if (f.until) where.push(sql`${changeEvents.occurredAt} < ${f.until.toISOString()}`);
  return where.length > 0 ? and(...where) : undefined;
}

/** Newest first; `limit` rows from `offset`. */
export function listChangeEvents(
  ex: Executor,
  filter: ChangeEventFilter,
  page: { limit: number; offset: number },
): Promise<ChangeEventRow[]> {
  return ex
    .select()
    .from(changeEvents)
    .where(whereOf(filter))
    .orderBy(desc(changeEvents.occurredAt), desc(changeEvents.id))
    .limit(page.limit)
    .offset(page.offset);
}

export async function countChangeEvents(ex: Executor, filter: ChangeEventFilter): Promise<number> {
  const [row] = await ex.select({ n: sql<number>`count(*)::int` }).from(changeEvents).where(whereOf(filter));
  return row?.n ?? 0;
}

export async function findChangeEvent(ex: Executor, id: string): Promise<ChangeEventRow | undefined> {
  const [row] = await ex.select().from(changeEvents).where(eq(changeEvents.id, id));
  return row;
}
