import { newObjectId, newSecret32 } from '@klaxon/ids';
import { noContent } from '@klaxon/kit';
import {
  administersAccount,
  ensureAllowed,
  listBody,
  listEnvelope,
  objectBody,
  parsePage,
  principalOf,
  referenceBody,
  text,
  wrappedBody,
} from '@klaxon/rest';
import { asc, count, eq, inArray, or } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { publishChange, publishTombstones } from '../changes';
import type { CatalogContext } from '../context';
import { apiTokens, createApiToken, findUser, users } from '../db';
import { invalid, notFound } from '../domain/checks';
import { rolesUpTo } from '../domain/user-abilities';
import { apiTokenSnapshot, apiTokenView } from '../views/api-token.view';
import { idParams, listQuery, refInput, wrapped } from './common.schemas';
import { ensureActsForUser } from './user-access';

const tags = ['Klaxon'];

/** An API token as rendered (views/api-token.view.ts); never the token itself, except once on creation. */
const tokenBody = objectBody('api_token', {
  description: text,
  access: { type: 'string', enum: ['full_access', 'read_only'] },
  user: referenceBody,
  created_at: text,
});

/**
 * API tokens (Klaxon addition: PagerDuty manages keys only in its web app). Everyone manages their
 * own tokens; owners and admins those of users whose role is not above theirs (an admin never the
 * owner's). A token acts as its user, with its user's role, so it never grants more than its creator has.
 */
export function apiTokenRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;

  app.get(
    '/api_tokens',
    {
      schema: {
        tags,
        summary: 'List API tokens (Klaxon addition)',
        querystring: listQuery([]),
        response: { 200: listBody('api_tokens', tokenBody) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const page = parsePage(request.query as { limit?: number; offset?: number; total?: string });
      // Owners and admins see the tokens of everyone their role reaches (an admin not the owner's).
      const where = administersAccount(p)
        ? or(eq(apiTokens.userId, p.userId), inArray(users.role, rolesUpTo(p.role)))
        : eq(apiTokens.userId, p.userId);
      const rows = await db
        .select({ token: apiTokens, name: users.name })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(where)
        .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id))
        .limit(page.limit + 1)
        .offset(page.offset);
      return listEnvelope(
        'api_tokens',
        page,
        rows.map((r) => apiTokenView(urls, r.token, { id: r.token.userId, name: r.name })),
        async () =>
          (
            await db
              .select({ n: count() })
              .from(apiTokens)
              .innerJoin(users, eq(users.id, apiTokens.userId))
              .where(where)
          )[0]?.n ?? 0,
      );
    },
  );

  app.post(
    '/api_tokens',
    {
      schema: {
        tags,
        summary: 'Create an API token (Klaxon addition)',
        description: 'The answer carries the token itself in `token`, once; only its SHA-256 is stored.',
        body: wrapped('api_token', {
          type: 'object',
          required: ['description'],
          properties: {
            description: { type: 'string', minLength: 1, maxLength: 255 },
            access: { type: 'string', enum: ['full_access', 'read_only'] },
            user: refInput,
          },
        }),
        response: {
          201: wrappedBody('api_token', { ...tokenBody, properties: { ...tokenBody.properties, token: text } }),
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const input = (
        request.body as {
          api_token: { description: string; access?: 'full_access' | 'read_only'; user?: { id: string } };
        }
      ).api_token;
      const userId = input.user?.id ?? p.userId;
      const forOthers = 'Only an owner or admin may create tokens for others';
      ensureAllowed(userId === p.userId || administersAccount(p), forOthers);
      const user = await findUser(db, userId);
      if (!user) throw invalid(`user ${userId} does not exist`);
      // A token acts with its user's role: it may never reach above its creator's.
      ensureActsForUser(p, user.user, forOthers);
      const secret = `${newObjectId()}${newSecret32()}`.replace(/^P/, 'k');
      const now = ctx.clock.now();
      const view = await db.transaction(async (tx) => {
        const row = await createApiToken(tx, {
          userId,
          token: secret,
          access: input.access ?? 'full_access',
          description: input.description,
        });
        await publishChange(tx, { type: 'api_token', id: row.id, version: row.version }, apiTokenSnapshot(row), now);
        return apiTokenView(urls, row, { id: userId, name: user.user.name });
      });
      ctx.published();
      return reply.status(201).send({ api_token: { ...view, token: secret } });
    },
  );

  app.delete(
    '/api_tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API token (Klaxon addition)',
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const { id } = request.params as { id: string };
      const [row] = await db
        .select({ userId: apiTokens.userId, role: users.role })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(eq(apiTokens.id, id));
      if (!row) throw notFound('API token');
      ensureActsForUser(p, { id: row.userId, role: row.role }, 'You may only revoke your own tokens');
      const now = ctx.clock.now();
      await db.transaction(async (tx) => {
        const gone = await tx
          .delete(apiTokens)
          .where(eq(apiTokens.id, id))
          .returning({ id: apiTokens.id, version: apiTokens.version });
        await publishTombstones(tx, 'api_token', gone, now);
      });
      ctx.published();
      return reply.status(204).send();
    },
  );
}
