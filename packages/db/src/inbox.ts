import { sql } from 'drizzle-orm';
import { type PgSchema, text, timestamp } from 'drizzle-orm/pg-core';
import type { Executor } from './database';
import { insertMany } from './insert-many';

/** Ids of the bus messages a service's consumers have applied: what makes redelivery harmless. */
export function inboxTable(schema: PgSchema) {
  return schema.table('inbox', {
    messageId: text('message_id').primaryKey(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  });
}

export type InboxTable = ReturnType<typeof inboxTable>;

/**
 * Records that a message is being applied, in the transaction that applies it. Returns false when
 * it was applied before, so the caller changes nothing twice.
 */
export async function claimMessage(tx: Executor, inbox: InboxTable, messageId: string): Promise<boolean> {
  const rows = await tx
    .insert(inbox)
    .values({ messageId })
    .onConflictDoNothing()
    .returning({ messageId: inbox.messageId });
  return rows.length === 1;
}

/**
 * Claims a batch's messages in one statement, in the transaction that applies them. Returns the
 * messages to apply, in order: those not applied before, each once (a batch may carry two copies).
 */
export async function claimMessages<M extends { id: string }>(
  tx: Executor,
  inbox: InboxTable,
  messages: readonly M[],
): Promise<M[]> {
  if (messages.length === 0) return [];
  const rows = await insertMany<InboxTable, { message_id: string }>(
    tx,
    inbox,
    [...new Set(messages.map((m) => m.id))].map((messageId) => ({ messageId })),
    { onConflict: sql`do nothing`, returning: sql`message_id` },
  );
  const fresh = new Set(rows.map((r) => r.message_id));
  // `delete`: the first copy of a message is applied, a second one is not.
  return messages.filter((m) => fresh.delete(m.id));
}
