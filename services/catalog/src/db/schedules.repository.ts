import { type Executor, inSequence } from '@klaxon/db';
import { and, asc, count, eq, ilike, inArray, type SQL } from 'drizzle-orm';
import type { ScheduleRecord } from '../views/schedule.view';
import { escalationPolicies } from './escalation-policies.table';
import { escalationTargets } from './escalation-targets.table';
import { scheduleUsers } from './schedule-users.table';
import { type ScheduleRow, type StoredLayer, schedules } from './schedules.table';
import { teams } from './teams.table';
import { users } from './users.table';

/** Adds user names, the policies that target each schedule and those policies' teams. */
export async function scheduleRecords(ex: Executor, rows: ScheduleRow[]): Promise<ScheduleRecord[]> {
  if (rows.length === 0) return [];
  const userIds = [...new Set(rows.flatMap((s) => s.layers.flatMap((l) => l.users)))];
  const [names, policies] = await inSequence([
    userIds.length ? ex.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, userIds)) : [],
    ex
      .select({
        scheduleId: escalationTargets.targetId,
        id: escalationPolicies.id,
        name: escalationPolicies.name,
        teamId: escalationPolicies.teamId,
        teamName: teams.name,
      })
      .from(escalationTargets)
      .innerJoin(escalationPolicies, eq(escalationPolicies.id, escalationTargets.policyId))
      .leftJoin(teams, eq(teams.id, escalationPolicies.teamId))
      .where(
        and(
          eq(escalationTargets.targetType, 'schedule'),
          inArray(
            escalationTargets.targetId,
            rows.map((s) => s.id),
          ),
        ),
      )
      .orderBy(asc(escalationPolicies.name)),
  ]);
  const userNames = new Map(names.map((n) => [n.id, n.name]));
  return rows.map((schedule) => {
    const mine = policies.filter((p) => p.scheduleId === schedule.id);
    const teamList = new Map<string, string>();
    for (const p of mine) if (p.teamId && p.teamName) teamList.set(p.teamId, p.teamName);
    return {
      schedule,
      userNames,
      policies: mine.map((p) => ({ id: p.id, name: p.name })),
      teams: [...teamList].map(([id, name]) => ({ id, name })),
    };
  });
}

export async function findSchedule(ex: Executor, id: string): Promise<ScheduleRecord | undefined> {
  return (await scheduleRecords(ex, await ex.select().from(schedules).where(eq(schedules.id, id))))[0];
}

const scheduleWhere = (query: string | undefined): SQL | undefined =>
  query ? ilike(schedules.name, `%${query}%`) : undefined;

export async function listSchedules(ex: Executor, query: string | undefined, limit: number, offset: number) {
  const rows = await ex
    .select()
    .from(schedules)
    .where(scheduleWhere(query))
    .orderBy(asc(schedules.name), asc(schedules.id))
    .limit(limit)
    .offset(offset);
  return scheduleRecords(ex, rows);
}

export async function countSchedules(ex: Executor, query: string | undefined): Promise<number> {
  const [row] = await ex.select({ n: count() }).from(schedules).where(scheduleWhere(query));
  return row?.n ?? 0;
}

/** Rewrites the schedule's user index from its layers, in the transaction that changed them. */
export async function indexScheduleUsers(ex: Executor, scheduleId: string, layers: StoredLayer[]): Promise<void> {
  await ex.delete(scheduleUsers).where(eq(scheduleUsers.scheduleId, scheduleId));
  const ids = [...new Set(layers.flatMap((l) => l.users))];
  if (ids.length) await ex.insert(scheduleUsers).values(ids.map((userId) => ({ scheduleId, userId })));
}
