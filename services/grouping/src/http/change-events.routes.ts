import { idsQuery, listBody, listEnvelope, paginationQuery, parseIds, parsePage, wrappedBody } from '@klaxon/rest';
import type { FastifyInstance } from 'fastify';
import {
  type ChangeEventFilter,
  type ChangeEventRow,
  countChangeEvents,
  findChangeEvent,
  findEntities,
  findIncident,
  findService,
  listChangeEvents,
  type ServiceSnapshot,
  serviceIdsOfTeams,
} from '../db';
import type { GroupingContext } from '../incidents/context';
import { changeEventView } from '../views/change-event.view';
import { changeEventBody } from './bodies.schemas';
import { invalid, notFound } from './errors';
import { parseInstant } from './incident-query';

const listSchema = {
  querystring: {
    type: 'object',
    properties: {
      ...paginationQuery,
      since: { type: 'string' },
      until: { type: 'string' },
      'team_ids[]': idsQuery,
      'integration_ids[]': idsQuery,
    },
  },
  response: { 200: listBody('change_events', changeEventBody) },
} as const;

const relatedSchema = {
  tags: ['Change Events'],
  summary: 'List related change events for an incident',
  querystring: { type: 'object', properties: { limit: paginationQuery.limit } },
  response: { 200: listBody('change_events', changeEventBody) },
} as const;

type Query = Record<string, unknown> & {
  limit?: number;
  offset?: number;
  total?: string;
  since?: string;
  until?: string;
};

// PagerDuty answers 400 to since/until that are not UTC ("YYYY-MM-DDThh:mm:ssZ").
const UTC = /(Z|[+-]00:?00)$/i;
function utcInstant(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  if (!UTC.test(value)) throw invalid(`${field} must be a UTC ISO 8601 date-time`);
  return parseInstant(value, field);
}

/** How far before an incident a change on its service still counts as related to it. */
const RELATED_WINDOW_MS = 24 * 3_600_000;

/**
 * Change events (stored by the events.accepted consumer): `/change_events`, one by id, a service's,
 * and the ones related to an incident (recent changes on its service, newest first).
 */
export function changeEventRoutes(app: FastifyInstance, ctx: GroupingContext): void {
  const { db, urls } = ctx;

  async function render(rows: readonly ChangeEventRow[]) {
    const services = await findEntities<ServiceSnapshot>(
      db,
      'service',
      rows.map((r) => r.serviceId),
    );
    return rows.map((r) => changeEventView(urls, r, services.get(r.serviceId)));
  }

  async function list(query: Query, serviceIds: string[] | null) {
    const page = parsePage(query);
    const since = utcInstant(query.since, 'since');
    const until = utcInstant(query.until, 'until');
    if (since && until && until < since) throw invalid('until must be after since');
    const teamIds = parseIds(query, 'team_ids');
    let services = serviceIds;
    if (teamIds.length > 0) {
      const ofTeams = await serviceIdsOfTeams(db, teamIds);
      services = services ? services.filter((id) => ofTeams.includes(id)) : ofTeams;
    }
    const filter: ChangeEventFilter = {
      serviceIds: services,
      integrationIds: parseIds(query, 'integration_ids'),
      since,
      until,
    };
    const rows = await listChangeEvents(db, filter, { limit: page.limit + 1, offset: page.offset });
    return listEnvelope('change_events', page, await render(rows), () => countChangeEvents(db, filter));
  }

  app.get(
    '/change_events',
    { schema: { ...listSchema, tags: ['Change Events'], summary: 'List change events' } },
    (request) => list(request.query as Query, null),
  );

  app.get(
    '/change_events/:id',
    {
      schema: {
        tags: ['Change Events'],
        summary: 'Get a change event',
        response: { 200: wrappedBody('change_event', changeEventBody) },
      },
    },
    async (request) => {
      const row = await findChangeEvent(db, (request.params as { id: string }).id);
      if (!row) throw notFound('Change event');
      const [view] = await render([row]);
      return { change_event: view };
    },
  );

  app.get(
    '/services/:id/change_events',
    { schema: { ...listSchema, tags: ['Change Events'], summary: 'List change events for a service' } },
    async (request) => {
      const { id } = request.params as { id: string };
      if (!(await findService(db, id))) throw notFound('Service');
      return list(request.query as Query, [id]);
    },
  );

  app.get('/incidents/:id/related_change_events', { schema: relatedSchema }, async (request) => {
    const incident = await findIncident(db, (request.params as { id: string }).id);
    if (!incident) throw notFound('Incident');
    const page = parsePage({ ...(request.query as Query), offset: 0 });
    const rows = await listChangeEvents(
      db,
      {
        serviceIds: [incident.serviceId],
        integrationIds: [],
        since: new Date(incident.createdAt.getTime() - RELATED_WINDOW_MS),
        until: new Date(incident.createdAt.getTime() + 1),
      },
      { limit: page.limit + 1, offset: 0 },
    );
    const views = (await render(rows)).map((v) => ({ ...v, correlation_reason: { reason: 'most_recent' } }));
    return listEnvelope('change_events', page, views, async () => 0);
  });
}
