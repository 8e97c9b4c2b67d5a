import { type AccountRole, accountRoles, administersAccount, type Principal } from '@klaxon/rest';

/**
 * How much each account role may do, highest first as PagerDuty ranks them: the owner above admins,
 * admins above account managers (`user`), then responders, then the observing and read-only roles.
 * Roles on one step grant the same reach over other users.
 */
const rank: Record<AccountRole, number> = {
  owner: 6,
  admin: 5,
  user: 4,
  limited_user: 3,
  observer: 2,
  restricted_access: 2,
  read_only_user: 1,
  read_only_limited_user: 0,
};

/** The roles that rank no higher than this one. */
export const rolesUpTo = (role: AccountRole): AccountRole[] => accountRoles.filter((r) => rank[r] <= rank[role]);

export type UserAction = 'allowed' | 'not_administrator' | 'above_caller';

/**
 * Whether the caller may act for a user (their profile, role, email and API tokens). Anyone acts for
 * themself; owners and admins for others, never for a user whose role is above theirs, so nothing
 * an admin does (a token, a new email address) reaches what only the owner holds.
 */
export function actForUser(p: Principal, user: { id: string; role: string }): UserAction {
  if (user.id === p.userId) return 'allowed';
  if (!administersAccount(p)) return 'not_administrator';
  return (rank[user.role as AccountRole] ?? rank.owner) > rank[p.role] ? 'above_caller' : 'allowed';
}
