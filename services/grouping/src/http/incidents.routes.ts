import { arrayOf, listEnvelope, parseInclude, parsePage } from '@klaxon/rest';
import { and, eq, ne } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { countIncidents, findIncident, findService, findUser, incidents, listIncidents } from '../db';
import { incidentUrgency, lifecycle, type Urgency } from '../domain';
import { commitTransition } from '../incidents/commit';
import type { GroupingContext } from '../incidents/context';
import { type ManageInput, manageIncident } from '../incidents/manage';
import { openIncident } from '../incidents/open-incident';
import { type PriorityInput, priorityFor } from '../incidents/priority';
import { timeoutsOf } from '../incidents/service-settings';
import { stateOf } from '../incidents/state';
import { renderIncident, renderIncidents } from '../views/incident.view';
import { requester } from './auth';
import { incidentBody, incidentList, oneIncident } from './bodies.schemas';
import { ensureBulkLimit, invalid, notFound, orRefuse } from './errors';
import { listIncidentsSchema, parseIncidentFilter, parseSort } from './incident-query';
import { bulkUpdateSchema, createIncidentSchema, showIncidentSchema, updateIncidentSchema } from './incidents.schemas';

interface CreateInput {
  title: string;
  service: { id: string };
  urgency?: Urgency;
  priority?: PriorityInput;
  body?: { details?: unknown };
  incident_key?: string;
  assignments?: { assignee: { id: string } }[];
  escalation_policy?: { id: string };
}

type Query = Record<string, unknown> & { limit?: number; offset?: number; total?: string; sort_by?: string };

export function incidentsRoutes(app: FastifyInstance, ctx: GroupingContext): void {
  const { db, urls } = ctx;

  app.get(
    '/incidents',
    {
      schema: {
        ...listIncidentsSchema,
        tags: ['Incidents'],
        summary: 'List incidents',
        response: { 200: incidentList },
      },
    },
    async (request) => {
      const query = request.query as Query;
      const page = parsePage(query);
      const filter = await parseIncidentFilter(db, query, ctx.clock.now());
      const rows = await listIncidents(db, filter, parseSort(query.sort_by), page.limit + 1, page.offset);
      const views = await renderIncidents(db, urls, rows, parseInclude(query));
      return listEnvelope('incidents', page, views, () => countIncidents(db, filter));
    },
  );

  app.get(
    '/incidents/:id',
    {
      schema: {
        ...showIncidentSchema,
        tags: ['Incidents'],
        summary: 'Get an incident',
        response: { 200: oneIncident },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const row = await findIncident(db, id);
      if (!row) throw notFound('Incident');
      return { incident: await renderIncident(db, urls, row, parseInclude(request.query as Query)) };
    },
  );

  app.post(
    '/incidents',
    {
      schema: {
        ...createIncidentSchema,
        tags: ['Incidents'],
        summary: 'Create an incident',
        response: { 201: oneIncident },
      },
    },
    async (request, reply) => {
      const input = (request.body as { incident: CreateInput }).incident;
      if (input.assignments?.length && input.escalation_policy) {
        throw invalid('Specify assignments or escalation_policy, not both');
      }
      const at = ctx.clock.now();
      const view = await db.transaction(async (tx) => {
        const actor = await requester(tx, request);
        const service = await findService(tx, input.service.id);
        if (!service) throw invalid(`Service ${input.service.id} not found`);
        if (input.incident_key) {
          const [dup] = await tx
            .select({ id: incidents.id })
            .from(incidents)
            .where(
              and(
                eq(incidents.serviceId, service.id),
                eq(incidents.incidentKey, input.incident_key),
                ne(incidents.status, 'resolved'),
              ),
            );
          if (dup) throw invalid('Open incident with matching dedup key already exists on this service');
        }
        const assigneeIds = [...new Set((input.assignments ?? []).map((a) => a.assignee.id))];
        for (const id of assigneeIds) if (!(await findUser(tx, id))) throw invalid(`User ${id} not found`);
        let row = await openIncident(
          tx,
          ctx,
          {
            title: input.title,
            serviceId: service.id,
            service,
            urgency:
              input.urgency ?? incidentUrgency(service.incident_urgency_rule, service.support_hours, 'critical', at),
            assigneeIds,
            assignedVia: assigneeIds.length > 0 ? 'direct_assignment' : 'escalation_policy',
            escalationPolicyId: input.escalation_policy?.id ?? service.escalation_policy?.id ?? null,
            incidentKey: input.incident_key ?? null,
            details: input.body?.details ?? null,
            priority: priorityFor(urls, input.priority ?? null),
            alertCount: 0,
            cause: { actor, channel: { type: 'api' } },
          },
          at,
        );
        // Assigning it to yourself means you are already on it: PagerDuty creates it acknowledged.
        if (assigneeIds.length === 1 && assigneeIds[0] === actor.id) {
          const ack = orRefuse(lifecycle.acknowledge(stateOf(row), at, timeoutsOf(service)));
          row = await commitTransition(tx, ctx, row, ack, { actor, channel: { type: 'api' } }, at);
        }
        return renderIncident(tx, urls, row);
      });
      ctx.published();
      return reply.status(201).send({ incident: view });
    },
  );

  app.put(
    '/incidents/:id',
    {
      schema: {
        ...updateIncidentSchema,
        tags: ['Incidents'],
        summary: 'Update an incident',
        response: { 200: oneIncident },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const input = (request.body as { incident: ManageInput }).incident;
      const at = ctx.clock.now();
      const view = await db.transaction(async (tx) => {
        const actor = await requester(tx, request);
        const row = await findIncident(tx, id, true);
        if (!row) throw notFound('Incident');
        return renderIncident(tx, urls, await manageIncident(tx, ctx, row, input, actor, at));
      });
      ctx.published();
      return { incident: view };
    },
  );

  app.put(
    '/incidents',
    {
      schema: {
        ...bulkUpdateSchema,
        tags: ['Incidents'],
        summary: 'Manage incidents',
        response: {
          200: { type: 'object', required: ['incidents'], properties: { incidents: arrayOf(incidentBody) } },
        },
      },
    },
    async (request) => {
      const items = (request.body as { incidents: (ManageInput & { id: string })[] }).incidents;
      ensureBulkLimit(items.length);
      const at = ctx.clock.now();
      const views = await db.transaction(async (tx) => {
        const actor = await requester(tx, request);
        const done = [];
        for (const { id, ...input } of items) {
          const row = await findIncident(tx, id, true);
          if (!row) throw invalid(`Incident ${id} not found`);
          done.push(await manageIncident(tx, ctx, row, input, actor, at));
        }
        return renderIncidents(tx, urls, done);
      });
      ctx.published();
      return { incidents: views };
    },
  );
}
