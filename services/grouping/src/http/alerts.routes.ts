import {
  arrayOf,
  includeQuery,
  listBody,
  listEnvelope,
  paginationQuery,
  parseIds,
  parseInclude,
  parsePage,
  wrappedBody,
} from '@klaxon/rest';
import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { type AlertRow, alerts, findIncident, findService, type IncidentRow } from '../db';
import { type AlertUpdate, updateAlert } from '../incidents/alert-actions';
import type { GroupingContext } from '../incidents/context';
import { alertView } from '../views/alert.view';
import { requester } from './auth';
import { alertBody } from './bodies.schemas';
import { ensureBulkLimit, invalid, notFound } from './errors';

const alertUpdate = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    status: { type: 'string', enum: ['triggered', 'resolved'] },
    incident: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
  },
} as const;

const listSchema = {
  querystring: {
    type: 'object',
    properties: {
      ...paginationQuery,
      alert_key: { type: 'string' },
      'statuses[]': { type: 'array', items: { type: 'string', enum: ['triggered', 'resolved'] } },
      sort_by: {
        type: 'string',
        enum: ['created_at', 'resolved_at', 'created_at:asc', 'created_at:desc', 'resolved_at:asc', 'resolved_at:desc'],
      },
      'include[]': includeQuery(['services', 'first_trigger_log_entries', 'incidents']),
    },
  },
} as const;

type Query = Record<string, unknown> & {
  limit?: number;
  offset?: number;
  total?: string;
  alert_key?: string;
  sort_by?: string;
};

export function alertRoutes(app: FastifyInstance, ctx: GroupingContext): void {
  const { db, urls } = ctx;

  async function incidentOr404(id: string): Promise<IncidentRow> {
    const row = await findIncident(db, id);
    if (!row) throw notFound('Incident');
    return row;
  }
  async function render(rows: AlertRow[], incident: IncidentRow | undefined, include: ReadonlySet<string>) {
    const service = incident ? await findService(db, incident.serviceId) : undefined;
    return rows.map((r) =>
      alertView(urls, r, { service, incident: r.incidentId === incident?.id ? incident : undefined }, include),
    );
  }

  app.get(
    '/incidents/:id/alerts',
    {
      schema: {
        ...listSchema,
        tags: ['Incidents'],
        summary: 'List alerts for an incident',
        response: { 200: listBody('alerts', alertBody) },
      },
    },
    async (request) => {
      const query = request.query as Query;
      const incident = await incidentOr404((request.params as { id: string }).id);
      const page = parsePage(query);
      const where: SQL[] = [eq(alerts.incidentId, incident.id)];
      if (query.alert_key) where.push(eq(alerts.alertKey, query.alert_key));
      const statuses = parseIds(query, 'statuses') as AlertRow['status'][];
      if (statuses.length > 0) where.push(inArray(alerts.status, statuses));
      const [field = 'created_at', dir] = (query.sort_by ?? 'created_at').split(':');
      const column = field === 'resolved_at' ? alerts.resolvedAt : alerts.createdAt;
      const rows = await db
        .select()
        .from(alerts)
        .where(and(...where))
        .orderBy(dir === 'desc' ? desc(column) : asc(column), asc(alerts.id))
        .limit(page.limit + 1)
        .offset(page.offset);
      return listEnvelope('alerts', page, await render(rows, incident, parseInclude(query)), async () => {
        const [n] = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(alerts)
          .where(and(...where));
        return n?.n ?? 0;
      });
    },
  );

  app.get(
    '/incidents/:id/alerts/:alert_id',
    { schema: { tags: ['Incidents'], summary: 'Get an alert', response: { 200: wrappedBody('alert', alertBody) } } },
    async (request) => {
      const { id, alert_id } = request.params as { id: string; alert_id: string };
      const incident = await incidentOr404(id);
      const [row] = await db
        .select()
        .from(alerts)
        .where(and(eq(alerts.id, alert_id), eq(alerts.incidentId, incident.id)));
      if (!row) throw notFound('Alert');
      const [view] = await render([row], incident, new Set());
      return { alert: view };
    },
  );

  app.put(
    '/incidents/:id/alerts/:alert_id',
    {
      schema: {
        tags: ['Incidents'],
        summary: 'Update an alert',
        body: { type: 'object', required: ['alert'], properties: { alert: alertUpdate } },
        response: { 200: wrappedBody('alert', alertBody) },
      },
    },
    async (request) => {
      const { id, alert_id } = request.params as { id: string; alert_id: string };
      const update = (request.body as { alert: AlertUpdate }).alert;
      const at = ctx.clock.now();
      const row = await db.transaction(async (tx) => {
        const actor = await requester(tx, request);
        const incident = await findIncident(tx, id);
        if (!incident) throw notFound('Incident');
        return updateAlert(tx, ctx, incident.id, alert_id, update, actor, at);
      });
      ctx.published();
      const [view] = await render(
        [row],
        row.incidentId ? await findIncident(db, row.incidentId) : undefined,
        new Set(),
      );
      return { alert: view };
    },
  );

  app.put(
    '/incidents/:id/alerts',
    {
      schema: {
        tags: ['Incidents'],
        summary: 'Manage alerts',
        response: { 200: { type: 'object', required: ['alerts'], properties: { alerts: arrayOf(alertBody) } } },
        body: {
          type: 'object',
          required: ['alerts'],
          properties: {
            alerts: {
              type: 'array',
              items: {
                ...alertUpdate,
                required: ['id'],
                properties: { ...alertUpdate.properties, id: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const items = (request.body as { alerts: (AlertUpdate & { id: string })[] }).alerts;
      ensureBulkLimit(items.length);
      const at = ctx.clock.now();
      const rows = await db.transaction(async (tx) => {
        const actor = await requester(tx, request);
        const incident = await findIncident(tx, id);
        if (!incident) throw notFound('Incident');
        const done: AlertRow[] = [];
        for (const { id: alertId, ...update } of items) {
          if (!alertId) throw invalid('Each alert needs an id');
          done.push(await updateAlert(tx, ctx, incident.id, alertId, update, actor, at));
        }
        return done;
      });
      ctx.published();
      const incident = await findIncident(db, id);
      return { alerts: await render(rows, incident, new Set()) };
    },
  );
}
