import type { Executor } from '@klaxon/db';
import { and, asc, eq, type SQL } from 'drizzle-orm';
import { type HandoffRuleRow, handoffRules } from './handoff-rules.table';

/** A user's handoff rules, oldest id first. */
export function handoffRulesOf(ex: Executor, userId: string): Promise<HandoffRuleRow[]> {
  return ex.select().from(handoffRules).where(eq(handoffRules.userId, userId)).orderBy(asc(handoffRules.id));
}

export async function findHandoffRule(ex: Executor, userId: string, id: string): Promise<HandoffRuleRow | undefined> {
  const [row] = await ex
    .select()
    .from(handoffRules)
    .where(and(eq(handoffRules.id, id), eq(handoffRules.userId, userId)));
  return row;
}

/** Deletes the handoff rules `where` selects; returns what their tombstones need. */
export const deleteHandoffRules = (ex: Executor, where: SQL) =>
  ex.delete(handoffRules).where(where).returning({ id: handoffRules.id, version: handoffRules.version });
