import { errorResponse, httpError, noContent } from '@klaxon/kit';
import { arrayOf, text } from '@klaxon/rest';
import type { FastifyInstance } from 'fastify';
import { accountAbilities } from '../domain/account-abilities';
import { idParams } from './common.schemas';

/** GET /abilities and GET /abilities/{id}: what this account can do (the catalog is the account's configuration). */
export function abilityRoutes(app: FastifyInstance): void {
  app.get(
    '/abilities',
    {
      schema: {
        tags: ['Abilities'],
        summary: 'List abilities',
        response: { 200: { type: 'object', required: ['abilities'], properties: { abilities: arrayOf(text) } } },
      },
    },
    async () => ({
      abilities: accountAbilities,
    }),
  );

  // PagerDuty answers 204 when the account has the ability and 402 (2014 Missing Account Ability) when not.
  app.get(
    '/abilities/:id',
    {
      schema: {
        tags: ['Abilities'],
        summary: 'Test an ability',
        params: idParams,
        response: { 204: noContent, 402: errorResponse('missing_ability') },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!accountAbilities.includes(id)) throw httpError('missing_ability', [`The account does not have ${id}`]);
      return reply.status(204).send();
    },
  );
}
