import { actingUserId } from '@klaxon/rest';
import type { FastifyRequest } from 'fastify';
import type { CatalogContext } from '../context';
import { findUser, type UserRow } from '../db';
import { invalid } from '../domain/checks';

/** The user a write acts as (POST /users, POST /maintenance_windows): the token's user, whatever `From` says. */
export async function requester(ctx: CatalogContext, request: FastifyRequest): Promise<UserRow> {
  const user = (await findUser(ctx.db, actingUserId(request)))?.user;
  if (!user) throw invalid("The token's user no longer exists");
  return user;
}
