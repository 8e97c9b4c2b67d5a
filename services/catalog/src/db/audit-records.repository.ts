import type { Executor } from '@klaxon/db';
import { and, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { type AuditRecordRow, auditRecords } from './audit-records.table';

/** A page of /audit/records: the window, the filters, and where the previous page ended. */
export interface AuditRecordQuery {
  since: Date;
  until: Date;
  /** Rows wanted; one more is read to tell whether there is a next page. */
  limit: number;
  /** The last record of the previous page: this page starts after it (newest first). */
  after?: { executionTime: Date; seq: number };
  /** One aggregate's records (`/users/{id}/audit/records`). */
  root?: { type: string; id: string };
  rootTypes?: readonly string[];
  /** Only users act in Klaxon: another actor type matches nothing. */
  actor?: { type: string; id?: string };
  method?: { type: string; truncatedToken?: string };
  actions?: readonly string[];
}

/** Records matching the query, newest first, at most limit + 1 of them. */
export function findAuditRecords(ex: Executor, q: AuditRecordQuery): Promise<AuditRecordRow[]> {
  const t = auditRecords;
  const actorIsUser = q.actor === undefined || q.actor.type === 'user_reference';
  const conditions = [
    gte(t.executionTime, q.since),
    lte(t.executionTime, q.until),
    q.after
      ? sql`(${t.executionTime}, ${t.seq}) < (${q.after.executionTime.toISOString()}::timestamptz, ${q.after.seq})`
      : undefined,
    q.root ? and(eq(t.rootType, q.root.type), eq(t.rootId, q.root.id)) : undefined,
    q.rootTypes?.length ? inArray(t.rootType, [...q.rootTypes]) : undefined,
    actorIsUser ? undefined : sql`false`,
    q.actor ? sql`${t.actorId} is not null` : undefined,
    q.actor?.id ? eq(t.actorId, q.actor.id) : undefined,
    q.method ? eq(t.methodType, q.method.type) : undefined,
    q.method?.truncatedToken ? eq(t.methodTruncatedToken, q.method.truncatedToken) : undefined,
    q.actions?.length ? inArray(t.action, [...q.actions]) : undefined,
  ];
  return ex
    .select()
    .from(t)
    .where(and(...conditions))
    .orderBy(desc(t.executionTime), desc(t.seq))
    .limit(q.limit + 1);
}
