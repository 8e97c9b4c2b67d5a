import type { DeadLetter } from '@klaxon/bus';
import { type Database, type Executor, enqueueOutbox, queryRows, sql } from '@klaxon/db';
import { newRecordId } from '@klaxon/ids';
import { storableText } from '@klaxon/kit';
import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import { type DeadLetterRow, deadLetters } from './dead-letters.table';
import { outbox } from './outbox.table';

/** Names the replayed copy after the dead letter it came from (for logs and a consumer's curiosity). */
const REPLAYED_FROM_HEADER = 'klaxon.replayed_from';

/** Keeps dead letters; a copy of one already kept (same origin and group) is skipped. */
export async function keepDeadLetters(ex: Executor, letters: readonly DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  // The error quotes what failed, which may be the very text PostgreSQL refused: kept readable instead.
  const text = (v: string) => storableText(v);
  await ex
    .insert(deadLetters)
    .values(
      letters.map((l) => ({
        id: newRecordId(),
        topic: text(l.origin.topic),
        partition: l.origin.partition,
        offset: text(l.origin.offset),
        group: text(l.group),
        reason: l.reason,
        attempts: l.attempts,
        error: l.error === undefined ? null : text(l.error),
        key: text(l.message.key),
        value: l.message.value,
        headers: Object.fromEntries(Object.entries(l.message.headers).map(([k, v]) => [text(k), text(v)])),
        appendedAt: l.origin.timestamp,
      })),
    )
    .onConflictDoNothing();
}

export interface DeadLetterFilter {
  topic?: string | undefined;
  group?: string | undefined;
}

const whereOf = (f: DeadLetterFilter): SQL | undefined =>
  and(
    f.topic === undefined ? undefined : eq(deadLetters.topic, f.topic),
    f.group === undefined ? undefined : eq(deadLetters.group, f.group),
  );

/** Oldest first, as they happened; `limit + 1` rows tell the caller whether there are more. */
export function listDeadLetters(
  ex: Executor,
  filter: DeadLetterFilter,
  page: { limit: number; offset: number },
): Promise<DeadLetterRow[]> {
  return ex
    .select()
    .from(deadLetters)
    .where(whereOf(filter))
    .orderBy(asc(deadLetters.createdAt), asc(deadLetters.id))
    .limit(page.limit + 1)
    .offset(page.offset);
}

export async function countDeadLetters(ex: Executor, filter: DeadLetterFilter): Promise<number> {
  return (await ex.select({ n: count() }).from(deadLetters).where(whereOf(filter)))[0]?.n ?? 0;
}

export async function findDeadLetter(ex: Executor, id: string): Promise<DeadLetterRow | undefined> {
  return (await ex.select().from(deadLetters).where(eq(deadLetters.id, id)))[0];
}

/** Removes a dead letter for good; whether there was one. */
export async function deleteDeadLetter(ex: Executor, id: string): Promise<boolean> {
  return (await ex.delete(deadLetters).where(eq(deadLetters.id, id)).returning({ id: deadLetters.id })).length > 0;
}

/**
 * Puts the original message back on its topic through the outbox, in the transaction that removes
 * the dead letter: replayed once, never lost between the two. Every group of the topic receives it
 * again, and each applies a message id once, so only the group that failed it does new work. If it
 * fails again, it comes back as a new dead letter. Undefined when there is no such dead letter.
 */
export function replayDeadLetter(db: Database, id: string): Promise<DeadLetterRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(deadLetters).where(eq(deadLetters.id, id)).returning();
    if (!row) return undefined;
    await enqueueOutbox(tx, outbox, [
      { topic: row.topic, key: row.key, value: row.value, headers: { ...row.headers, [REPLAYED_FROM_HEADER]: row.id } },
    ]);
    return row;
  });
}

/** Dead letters kept, per origin topic and group (for /metrics). */
export function deadLetterCounts(
  ex: Pick<Database, 'execute'>,
): Promise<{ topic: string; group: string; n: number }[]> {
  return queryRows(
    ex,
    sql`select ${deadLetters.topic} as topic, ${deadLetters.group} as "group", count(*)::int as n
      from ${deadLetters} group by 1, 2`,
  );
}
