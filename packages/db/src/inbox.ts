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
 * Claims many messages in one statement, in the transaction that applies them: returns the ids not
 * applied before (a batch's redelivered messages are left out).
 */
export async function claimMessages(
  tx: Executor,
  inbox: InboxTable,
  messageIds: readonly string[],
): Promise<Set<string>> {
  const unique = [...new Set(messageIds)];
  if (unique.length === 0) return new Set();
  const rows = await insertMany<InboxTable, { message_id: string }>(
    tx,
    inbox,
    unique.map((messageId) => ({ messageId })),
    { onConflict: sql`do nothing`, returning: sql`message_id` },
  );
  return new Set(rows.map((r) => r.message_id));
}
