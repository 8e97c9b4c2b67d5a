import { listBody, pageOf, paginationQuery, parsePage } from '@klaxon/rest';
import type { FastifyInstance } from 'fastify';
import { priorities } from '../domain';
import type { GroupingContext } from '../incidents/context';
import { priorityView } from '../views/priority.view';
import { priorityBody } from './bodies.schemas';

/** GET /priorities: the priorities an incident may be given (served by grouping, which sets them on incidents). */
export function priorityRoutes(app: FastifyInstance, ctx: GroupingContext): void {
  app.get(
    '/priorities',
    {
      schema: {
        tags: ['Priorities'],
        summary: 'List priorities',
        querystring: { type: 'object', properties: { ...paginationQuery } },
        response: { 200: listBody('priorities', priorityBody) },
      },
    },
    async (request) =>
      pageOf(
        'priorities',
        parsePage(request.query as { limit?: number; offset?: number; total?: string }),
        priorities.map((p) => priorityView(ctx.urls, p)),
      ),
  );
}
