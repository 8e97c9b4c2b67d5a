import { type Executor, inSequence, sql } from '@klaxon/db';
import type { AccountRole, Principal, TeamRole } from '@klaxon/rest';
import { and, asc, count, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import type { UserRecord } from '../views/user.view';
import { apiTokens } from './api-tokens.table';
import { contactMethods } from './contact-methods.table';
import { notificationRules } from './notification-rules.table';
import { teamMembers } from './team-members.table';
import { teams } from './teams.table';
import { type UserRow, users } from './users.table';

/** The principal of an API token, by the token's SHA-256: the REST conventions' lookupToken. */
export async function principalByTokenHash(ex: Executor, tokenHash: string): Promise<Principal | undefined> {
  const [row] = await ex
    .select({ tokenId: apiTokens.id, access: apiTokens.access, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, tokenHash))
    .limit(1);
  if (!row) return undefined;
  const memberships = await ex
    .select({ teamId: teamMembers.teamId, role: teamMembers.role })
    .from(teamMembers)
    .where(eq(teamMembers.userId, row.user.id));
  return {
    tokenId: row.tokenId,
    userId: row.user.id,
    email: row.user.email,
    role: row.user.role as AccountRole,
    access: row.access === 'read_only' ? 'read_only' : 'full_access',
    teamRoles: Object.fromEntries(memberships.map((m) => [m.teamId, m.role as TeamRole])),
  };
}

/** Adds teams, contact methods and notification rules to user rows, in three queries. */
export async function userRecords(ex: Executor, rows: UserRow[]): Promise<UserRecord[]> {
  const ids = rows.map((u) => u.id);
  if (ids.length === 0) return [];
  const [memberTeams, methods, rules] = await inSequence([
    ex
      .select({ userId: teamMembers.userId, team: teams })
      .from(teamMembers)
      .innerJoin(teams, eq(teams.id, teamMembers.teamId))
      .where(inArray(teamMembers.userId, ids))
      .orderBy(asc(teams.name)),
    ex.select().from(contactMethods).where(inArray(contactMethods.userId, ids)).orderBy(asc(contactMethods.id)),
    ex
      .select()
      .from(notificationRules)
      .where(inArray(notificationRules.userId, ids))
      .orderBy(asc(notificationRules.id)),
  ]);
  return rows.map((user) => ({
    user,
    teams: memberTeams.filter((m) => m.userId === user.id).map((m) => m.team),
    contactMethods: methods.filter((m) => m.userId === user.id),
    notificationRules: rules.filter((r) => r.userId === user.id),
  }));
}

export async function findUser(ex: Executor, id: string): Promise<UserRecord | undefined> {
  const rows = await ex.select().from(users).where(eq(users.id, id));
  return (await userRecords(ex, rows))[0];
}

export async function findUserByEmail(ex: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await ex.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return row;
}

export interface UserFilter {
  query?: string;
  teamIds: string[];
}

function userWhere(ex: Executor, filter: UserFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (filter.query) {
    const like = `%${filter.query}%`;
    conditions.push(or(ilike(users.name, like), ilike(users.email, like)));
  }
  if (filter.teamIds.length > 0) {
    const members = ex
      .select({ id: teamMembers.userId })
      .from(teamMembers)
      .where(inArray(teamMembers.teamId, filter.teamIds));
    conditions.push(inArray(users.id, members));
  }
  return and(...conditions);
}

export async function listUsers(ex: Executor, filter: UserFilter, limit: number, offset: number) {
  const rows = await ex
    .select()
    .from(users)
    .where(userWhere(ex, filter))
    .orderBy(asc(users.name), asc(users.id))
    .limit(limit)
    .offset(offset);
  return userRecords(ex, rows);
}

export async function countUsers(ex: Executor, filter: UserFilter): Promise<number> {
  const [row] = await ex.select({ n: count() }).from(users).where(userWhere(ex, filter));
  return row?.n ?? 0;
}

/** Users that exist among the given ids. */
export async function existingUserIds(ex: Executor, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await ex
    .select({ id: users.id })
    .from(users)
    .where(inArray(users.id, [...ids]));
  return rows.map((r) => r.id);
}

/** Bumps a user's version after a change to it or its contact methods, rules or teams; returns the new row. */
export async function touchUser(ex: Executor, id: string): Promise<UserRow | undefined> {
  const [row] = await ex
    .update(users)
    .set({ version: sql`${users.version} + 1` })
    .where(eq(users.id, id))
    .returning();
  return row;
}
