import { type Executor, replicaToken } from '@klaxon/db';
import { type Principal, replicaPrincipal } from '@klaxon/rest';
import { catalogReplica } from '../db';

/** The principal of a token hash, from the catalog replica's api_token and user snapshots. */
export async function lookupToken(ex: Executor, tokenHash: string): Promise<Principal | undefined> {
  return replicaPrincipal(await replicaToken(ex, catalogReplica, tokenHash));
}
