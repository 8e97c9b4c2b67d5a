import { type Executor, replicaToken } from '@klaxon/db';
import { httpError } from '@klaxon/kit';
import { actingUserId, ensureAllowed, type Principal, replicaPrincipal } from '@klaxon/rest';
import type { FastifyRequest } from 'fastify';
import { type Actor, catalogReplica, findUser } from '../db';

/** The principal of a token hash, from the catalog replica's api_token and user snapshots. */
export async function lookupToken(ex: Executor, tokenHash: string): Promise<Principal | undefined> {
  return replicaPrincipal(await replicaToken(ex, catalogReplica, tokenHash));
}

// Stakeholders and observers see incidents but may not act on them.
const READ_ONLY_ROLES = new Set<string>(['read_only_user', 'read_only_limited_user', 'observer']);

/** Whether a user of this role may acknowledge, resolve or otherwise change incidents. */
export const mayChangeIncidents = (role: string | undefined): boolean => !READ_ONLY_ROLES.has(role ?? '');

/**
 * The user an incident write acts as: the token's user, whatever `From` says (a `From` naming the
 * owner must not let a limited user's token act as the owner), who must be allowed to act on incidents.
 */
export async function requester(ex: Executor, request: FastifyRequest): Promise<Actor> {
  const user = await findUser(ex, actingUserId(request));
  if (!user) throw httpError('invalid_input', ["The token's user is not known here yet"]);
  ensureAllowed(mayChangeIncidents(user.role), 'This user may not change incidents');
  if (request.principal)
    ensureAllowed(mayChangeIncidents(request.principal.role), 'This user may not change incidents');
  return { type: 'user', id: user.id };
}
