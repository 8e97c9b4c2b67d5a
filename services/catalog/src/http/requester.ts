import { requesterRef } from '@klaxon/rest';
import type { FastifyRequest } from 'fastify';
import type { CatalogContext } from '../context';
import { findUser, findUserByEmail, type UserRow } from '../db';
import { invalid } from '../domain/checks';

/** The user a write acts as (POST /users, POST /maintenance_windows): `From`, else the token's user. */
export async function requester(ctx: CatalogContext, request: FastifyRequest): Promise<UserRow> {
  const ref = requesterRef(request);
  const user = 'email' in ref ? await findUserByEmail(ctx.db, ref.email) : (await findUser(ctx.db, ref.userId))?.user;
  if (!user) throw invalid('The From header must be the email address of a user of this account');
  return user;
}
