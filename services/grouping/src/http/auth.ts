import type { Executor } from '@klaxon/db';
import { httpError } from '@klaxon/kit';
import { type AccountRole, accountRoles, ensureAllowed, type Principal, requesterRef } from '@klaxon/rest';
import type { FastifyRequest } from 'fastify';
import { type Actor, findApiToken, findUser, findUserByEmail } from '../db';

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

// Stakeholders and observers see incidents but may not act on them.
const READ_ONLY_ROLES = new Set<string>(['read_only_user', 'read_only_limited_user', 'observer']);

/**
 * The user an incident write acts as (`From`, else the token's user), who must be allowed to act on
 * incidents, as must the token's own user.
 */
export async function requester(ex: Executor, request: FastifyRequest): Promise<Actor> {
  const ref = requesterRef(request);
  const user = 'email' in ref ? await findUserByEmail(ex, ref.email) : await findUser(ex, ref.userId);
  if (!user) throw httpError('invalid_input', ['The From header must be the email address of a user of this account']);
  ensureAllowed(!READ_ONLY_ROLES.has(user.role ?? ''), 'This user may not change incidents');
  if (request.principal)
    ensureAllowed(!READ_ONLY_ROLES.has(request.principal.role), 'This user may not change incidents');
  return { type: 'user', id: user.id };
}
