import { type Executor, queryRows, sql } from '@klaxon/db';
import { type AccountRole, accountRoles, type Principal } from '@klaxon/rest';
import { catalogReplica } from '../db';

const isRole = (r: unknown): r is AccountRole =>
  typeof r === 'string' && (accountRoles as readonly string[]).includes(r);

/** The principal of a token hash, from the catalog replica's api_token and user snapshots. */
export async function lookupToken(ex: Executor, tokenHash: string): Promise<Principal | undefined> {
  const [row] = await queryRows<{
    token_id: string;
    access: string;
    user_id: string;
    email: string | null;
    role: string | null;
  }>(
    ex,
    sql`select t.entity_id token_id, t.snapshot ->> 'access' access, u.entity_id user_id,
               u.snapshot ->> 'email' email, u.snapshot ->> 'role' role
        from ${catalogReplica} t
        join ${catalogReplica} u on u.entity_type = 'user' and not u.deleted and u.entity_id = t.snapshot -> 'user' ->> 'id'
        where t.entity_type = 'api_token' and not t.deleted and t.snapshot ->> 'token_hash' = ${tokenHash}
        limit 1`,
  );
  if (!row) return undefined;
  return {
    tokenId: row.token_id,
    userId: row.user_id,
    email: row.email ?? '',
    role: isRole(row.role) ? row.role : 'read_only_user',
    access: row.access === 'full_access' ? 'full_access' : 'read_only',
    teamRoles: {},
  };
}
