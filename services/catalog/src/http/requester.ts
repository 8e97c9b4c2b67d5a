import { requireFrom } from '@klaxon/rest';
import type { FastifyRequest } from 'fastify';
import type { CatalogContext } from '../context';
import { findUserByEmail, type UserRow } from '../db';
import { invalid } from '../domain/checks';

/** The user named by the `From` header, where PagerDuty requires one (POST /users, POST /maintenance_windows). */
export async function requester(ctx: CatalogContext, request: FastifyRequest): Promise<UserRow> {
  const email = requireFrom(request);
  const user = await findUserByEmail(ctx.db, email);
  if (!user) throw invalid('The From header must be the email address of a user of this account');
  return user;
}
