import { type Executor, inSequence } from '@klaxon/db';
import { and, asc, count, desc, eq, ilike, inArray, type SQL } from 'drizzle-orm';
import type { EscalationPolicyRecord } from '../views/escalation-policy.view';
import { type EscalationPolicyRow, escalationPolicies, type StoredRule } from './escalation-policies.table';
import { escalationTargets } from './escalation-targets.table';
import { schedules } from './schedules.table';
import { services } from './services.table';
import { teams } from './teams.table';
import { users } from './users.table';

/** Adds target names, services and team to policy rows. */
export async function policyRecords(ex: Executor, rows: EscalationPolicyRow[]): Promise<EscalationPolicyRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((p) => p.id);
  const userIds = new Set<string>();
  const scheduleIds = new Set<string>();
  for (const p of rows) {
    for (const rule of p.rules) for (const t of rule.targets) (t.type === 'user' ? userIds : scheduleIds).add(t.id);
  }
  const teamIds = rows.map((p) => p.teamId).filter((id): id is string => id !== null);
  const [userNames, scheduleNames, usedBy, teamRows] = await inSequence([
    userIds.size
      ? ex
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(inArray(users.id, [...userIds]))
      : [],
    scheduleIds.size
      ? ex
          .select({ id: schedules.id, name: schedules.name })
          .from(schedules)
          .where(inArray(schedules.id, [...scheduleIds]))
      : [],
    ex
      .select({ id: services.id, name: services.name, policyId: services.escalationPolicyId })
      .from(services)
      .where(inArray(services.escalationPolicyId, ids))
      .orderBy(asc(services.name)),
    teamIds.length ? ex.select().from(teams).where(inArray(teams.id, teamIds)) : [],
  ]);
  const targetNames = new Map([...userNames, ...scheduleNames].map((n) => [n.id, n.name]));
  return rows.map((policy) => ({
    policy,
    targetNames,
    services: usedBy.filter((s) => s.policyId === policy.id),
    team: teamRows.find((t) => t.id === policy.teamId) ?? null,
  }));
}

export async function findPolicy(ex: Executor, id: string): Promise<EscalationPolicyRecord | undefined> {
  const rows = await ex.select().from(escalationPolicies).where(eq(escalationPolicies.id, id));
  return (await policyRecords(ex, rows))[0];
}

export interface PolicyFilter {
  query?: string;
  userIds: string[];
  teamIds: string[];
  descending?: boolean;
}

function policyWhere(ex: Executor, filter: PolicyFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (filter.query) conditions.push(ilike(escalationPolicies.name, `%${filter.query}%`));
  if (filter.teamIds.length) conditions.push(inArray(escalationPolicies.teamId, filter.teamIds));
  if (filter.userIds.length) {
    const targeting = ex
      .select({ id: escalationTargets.policyId })
      .from(escalationTargets)
      .where(and(eq(escalationTargets.targetType, 'user'), inArray(escalationTargets.targetId, filter.userIds)));
    conditions.push(inArray(escalationPolicies.id, targeting));
  }
  return and(...conditions);
}

export async function listPolicies(ex: Executor, filter: PolicyFilter, limit: number, offset: number) {
  const rows = await ex
    .select()
    .from(escalationPolicies)
    .where(policyWhere(ex, filter))
    .orderBy(
      filter.descending ? desc(escalationPolicies.name) : asc(escalationPolicies.name),
      asc(escalationPolicies.id),
    )
    .limit(limit)
    .offset(offset);
  return policyRecords(ex, rows);
}

export async function countPolicies(ex: Executor, filter: PolicyFilter): Promise<number> {
  const [row] = await ex.select({ n: count() }).from(escalationPolicies).where(policyWhere(ex, filter));
  return row?.n ?? 0;
}

/** Rewrites the policy's target index from its rules, in the transaction that changed them. */
export async function indexTargets(ex: Executor, policyId: string, rules: StoredRule[]): Promise<void> {
  await ex.delete(escalationTargets).where(eq(escalationTargets.policyId, policyId));
  const seen = new Set<string>();
  const values = [];
  for (const rule of rules) {
    for (const t of rule.targets) {
      const key = `${t.type}/${t.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      values.push({ policyId, targetType: t.type, targetId: t.id });
    }
  }
  if (values.length) await ex.insert(escalationTargets).values(values);
}

/** Policies whose rules target a schedule: a schedule in use cannot be deleted. */
export async function policiesTargeting(ex: Executor, type: 'user' | 'schedule', id: string): Promise<string[]> {
  const rows = await ex
    .select({ id: escalationTargets.policyId })
    .from(escalationTargets)
    .where(and(eq(escalationTargets.targetType, type), eq(escalationTargets.targetId, id)));
  return rows.map((r) => r.id);
}
