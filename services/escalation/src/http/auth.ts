import type { Executor } from '@klaxon/db';
import { type AccountRole, accountRoles, type Principal } from '@klaxon/rest';
import { findApiToken, findUser } from '../db';

const isRole = (r: unknown): r is AccountRole =>
  typeof r === 'string' && (accountRoles as readonly string[]).includes(r);

/** The principal of a token hash, from the catalog replica's api_token and user snapshots. */
export async function lookupToken(ex: Executor, tokenHash: string): Promise<Principal | undefined> {
  const token = await findApiToken(ex, tokenHash);
  if (!token?.user?.id) return undefined;
  const user = await findUser(ex, token.user.id);
  if (!user) return undefined;
  return {
    tokenId: token.id,
    userId: user.id,
    email: user.email ?? '',
    role: isRole(user.role) ? user.role : 'read_only_user',
    access: token.access === 'full_access' ? 'full_access' : 'read_only',
    teamRoles: {},
  };
}
