import { noContent } from '@klaxon/kit';
import { anyObject, arrayOf, principalOf } from '@klaxon/rest';
import type { FastifyInstance } from 'fastify';
import type { CatalogContext } from '../context';
import { findUser } from '../db';
import { notFound } from '../domain/checks';
import { idParams } from './common.schemas';
import { ensureActsForUser } from './user-access';

const sessionParams = {
  type: 'object',
  required: ['id', 'type', 'session_id'],
  properties: {
    id: { type: 'string', minLength: 1 },
    type: { type: 'string', minLength: 1 },
    session_id: { type: 'string', minLength: 1 },
  },
} as const;

/**
 * A user's sessions (/users/{id}/sessions). Klaxon has no web or mobile sign-in, only API tokens
 * (which are not sessions), so every user has none: the list is empty, deleting them all succeeds
 * and changes nothing, and any one session is not found. The user must exist, as in PagerDuty.
 */
export function userSessionRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const existingUser = async (id: string) => {
    const found = await findUser(ctx.db, id);
    if (!found) throw notFound('User');
    return found.user;
  };

  app.get(
    '/users/:id/sessions',
    {
      schema: {
        tags: ['Users'],
        summary: "List a user's active sessions",
        params: idParams,
        response: {
          200: { type: 'object', required: ['user_sessions'], properties: { user_sessions: arrayOf(anyObject) } },
        },
      },
    },
    async (request) => {
      await existingUser((request.params as { id: string }).id);
      return { user_sessions: [] };
    },
  );

  app.delete(
    '/users/:id/sessions',
    {
      schema: {
        tags: ['Users'],
        summary: "Delete all user's sessions",
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      const user = await existingUser((request.params as { id: string }).id);
      ensureActsForUser(principalOf(request), user, "Only an owner or admin may end another user's sessions");
      return reply.status(204).send();
    },
  );

  app.get(
    '/users/:id/sessions/:type/:session_id',
    {
      schema: {
        tags: ['Users'],
        summary: "Get a user's session (none exist: 404)",
        params: sessionParams,
        response: {},
      },
    },
    async (request) => {
      await existingUser((request.params as { id: string }).id);
      throw notFound('Session');
    },
  );

  app.delete(
    '/users/:id/sessions/:type/:session_id',
    {
      schema: {
        tags: ['Users'],
        summary: "Delete a user's session (none exist: 404)",
        params: sessionParams,
        response: {},
      },
    },
    async (request) => {
      await existingUser((request.params as { id: string }).id);
      throw notFound('Session');
    },
  );
}
