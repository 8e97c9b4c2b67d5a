import type { CatalogReplicaTable } from './catalog-replica.table';
import { type Executor, queryRows, sql } from './database';

type Snapshot = Record<string, unknown>;

/** The live (not deleted) snapshot of one entity in a service's catalog replica. */
export async function replicaEntity<T>(
  ex: Pick<Executor, 'execute'>,
  replica: CatalogReplicaTable,
  entityType: string,
  id: string,
): Promise<T | undefined> {
  const rows = await queryRows<{ snapshot: Snapshot | null }>(
    ex,
    sql`select snapshot from ${replica} where entity_type = ${entityType} and entity_id = ${id} and not deleted`,
  );
  return (rows[0]?.snapshot ?? undefined) as T | undefined;
}

/** Live snapshots of many entities of one type, by id, in one query. */
export async function replicaEntities<T>(
  ex: Pick<Executor, 'execute'>,
  replica: CatalogReplicaTable,
  entityType: string,
  ids: readonly string[],
): Promise<Map<string, T>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await queryRows<{ entity_id: string; snapshot: Snapshot }>(
    ex,
    sql`select entity_id, snapshot from ${replica}
        where entity_type = ${entityType} and not deleted and entity_id = any(${sql.param(unique)}::text[])`,
  );
  return new Map(rows.map((r) => [r.entity_id, r.snapshot as T]));
}

/** An API token and its user as the replica holds them: what a REST call authenticates against. */
export interface ReplicaToken {
  tokenId: string;
  access: string | null;
  userId: string;
  email: string | null;
  role: string | null;
}

/** The live token with this hash and its live user, in one query; undefined when either is gone. */
export async function replicaToken(
  ex: Pick<Executor, 'execute'>,
  replica: CatalogReplicaTable,
  tokenHash: string,
): Promise<ReplicaToken | undefined> {
  const [row] = await queryRows<ReplicaToken>(
    ex,
    sql`select t.entity_id as "tokenId", t.snapshot ->> 'access' as access, u.entity_id as "userId",
               u.snapshot ->> 'email' as email, u.snapshot ->> 'role' as role
        from ${replica} t
        join ${replica} u on u.entity_type = 'user' and not u.deleted and u.entity_id = t.snapshot -> 'user' ->> 'id'
        where t.entity_type = 'api_token' and not t.deleted and t.snapshot ->> 'token_hash' = ${tokenHash}
        limit 1`,
  );
  return row;
}
