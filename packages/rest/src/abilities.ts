import { httpError } from '@klaxon/kit';

/**
 * PagerDuty's account (base) roles as the API names them. The web app calls `user` "Manager",
 * `limited_user` "Responder", `read_only_user` "Stakeholder" and `read_only_limited_user`
 * "Limited Stakeholder".
 */
export const accountRoles = [
  'owner',
  'admin',
  'user',
  'limited_user',
  'observer',
  'restricted_access',
  'read_only_user',
  'read_only_limited_user',
] as const;
export type AccountRole = (typeof accountRoles)[number];

/** Roles a member holds inside one team (`PUT /teams/{id}/users/{user_id}`). */
export const teamRoles = ['manager', 'responder', 'observer'] as const;
export type TeamRole = (typeof teamRoles)[number];

export type TokenAccess = 'full_access' | 'read_only';

/** Who is calling: the user an API token belongs to, with what that token and user may do. */
export interface Principal {
  tokenId: string;
  userId: string;
  email: string;
  role: AccountRole;
  access: TokenAccess;
  /** The caller's role in each team they belong to, by team id. */
  teamRoles: Readonly<Record<string, TeamRole>>;
}

/** Owner and admin administer the account: users, roles, everything the others can do. */
export const administersAccount = (p: Principal): boolean => p.role === 'owner' || p.role === 'admin';

/**
 * Account-wide managers (owner, admin, and PagerDuty's Manager base role `user`) configure every
 * service, escalation policy, schedule, team and maintenance window.
 */
export const managesAccount = (p: Principal): boolean => administersAccount(p) || p.role === 'user';

/**
 * Whether the caller may change an object owned by these teams: account managers always; anyone
 * else only as `manager` of one of the object's teams. An object of no team is account-managed only.
 */
export function managesTeams(p: Principal, teamIds: readonly string[]): boolean {
  if (managesAccount(p)) return true;
  return teamIds.some((id) => p.teamRoles[id] === 'manager');
}

/** Whether the caller manages at least one team (may create team-owned objects). */
export const managesSomeTeam = (p: Principal): boolean =>
  managesAccount(p) || Object.values(p.teamRoles).includes('manager');

/** Throws PagerDuty's 403 "Access Denied" (2010) unless the condition holds. */
export function ensureAllowed(allowed: boolean, why?: string): void {
  if (!allowed) throw httpError('access_denied', why ? [why] : undefined);
}

const isRole = (r: unknown): r is AccountRole =>
  typeof r === 'string' && (accountRoles as readonly string[]).includes(r);

/**
 * The principal of a token as a service's catalog replica holds it (token and user snapshots). An
 * unknown role counts as the least one, and team roles are the catalog's alone.
 */
export function replicaPrincipal(
  token:
    | { tokenId: string; access: string | null; userId: string; email: string | null; role: string | null }
    | undefined,
): Principal | undefined {
  if (!token) return undefined;
  return {
    tokenId: token.tokenId,
    userId: token.userId,
    email: token.email ?? '',
    role: isRole(token.role) ? token.role : 'read_only_user',
    access: token.access === 'full_access' ? 'full_access' : 'read_only',
    teamRoles: {},
  };
}
