import {
  idsQuery,
  includeQuery,
  listBody,
  listEnvelope,
  paginationQuery,
  parseIds,
  parseInclude,
  parsePage,
  wrappedBody,
} from '@klaxon/rest';
import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { findIncident, type IncidentRow, incidents, type LogEntryRow, logEntries, serviceIdsOfTeams } from '../db';
import type { GroupingContext } from '../incidents/context';
import { loadLogExtras, logEntryView } from '../views/log-entry.view';
import { logEntryBody } from './bodies.schemas';
import { notFound } from './errors';
import { parseRange } from './incident-query';

const include = includeQuery(['incidents', 'services', 'channels', 'teams']);
const listSchema = {
  querystring: {
    type: 'object',
    properties: {
      ...paginationQuery,
      since: { type: 'string' },
      until: { type: 'string' },
      time_zone: { type: 'string' },
      is_overview: { type: 'string', enum: ['true', 'false', '1', '0'] },
      'team_ids[]': idsQuery,
      'include[]': include,
    },
  },
  response: { 200: listBody('log_entries', logEntryBody) },
} as const;

type Query = Record<string, unknown> & {
  limit?: number;
  offset?: number;
  total?: string;
  since?: string;
  until?: string;
  is_overview?: string;
};

// The overview keeps the entries people read first: state changes, not notifications.
const OVERVIEW_TYPES = [
  'trigger',
  'acknowledge',
  'unacknowledge',
  'resolve',
  'escalate',
  'assign',
  'snooze',
  'annotate',
];

export function logEntryRoutes(app: FastifyInstance, ctx: GroupingContext): void {
  const { db, urls } = ctx;

  async function render(rows: LogEntryRow[], includes: ReadonlySet<string>) {
    const ids = [...new Set(rows.map((r) => r.incidentId))];
    const incidentRows = ids.length > 0 ? await db.select().from(incidents).where(inArray(incidents.id, ids)) : [];
    const byId = new Map<string, IncidentRow>(incidentRows.map((i) => [i.id, i]));
    const extras = await loadLogExtras(db, rows, byId);
    return rows.map((r) => logEntryView(urls, r, extras, includes));
  }

  async function list(query: Query, where: SQL[]) {
    const page = parsePage(query);
    const range = parseRange(query, ctx.clock.now(), false);
    if (range.since) where.push(sql`${logEntries.createdAt} >= ${range.since.toISOString()}`);
    if (range.until) where.push(sql`${logEntries.createdAt} < ${range.until.toISOString()}`);
    if (query.is_overview === 'true' || query.is_overview === '1') where.push(inArray(logEntries.type, OVERVIEW_TYPES));
    const rows = await db
      .select()
      .from(logEntries)
      .where(and(...where))
      .orderBy(desc(logEntries.createdAt), desc(logEntries.seq))
      .limit(page.limit + 1)
      .offset(page.offset);
    return listEnvelope('log_entries', page, await render(rows, parseInclude(query)), async () => {
      const [n] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(logEntries)
        .where(and(...where));
      return n?.n ?? 0;
    });
  }

  app.get(
    '/incidents/:id/log_entries',
    { schema: { ...listSchema, tags: ['Incidents'], summary: 'List log entries for an incident' } },
    async (request) => {
      const incident = await findIncident(db, (request.params as { id: string }).id);
      if (!incident) throw notFound('Incident');
      return list(request.query as Query, [eq(logEntries.incidentId, incident.id)]);
    },
  );

  app.get(
    '/log_entries',
    { schema: { ...listSchema, tags: ['Log Entries'], summary: 'List log entries' } },
    async (request) => {
      const query = request.query as Query;
      const where: SQL[] = [];
      const teamIds = parseIds(query, 'team_ids');
      if (teamIds.length > 0) {
        const services = await serviceIdsOfTeams(db, teamIds);
        where.push(services.length > 0 ? inArray(logEntries.serviceId, services) : sql`false`);
      }
      return list(query, where);
    },
  );

  app.get(
    '/log_entries/:id',
    {
      schema: {
        tags: ['Log Entries'],
        summary: 'Get a log entry',
        querystring: { type: 'object', properties: { time_zone: { type: 'string' }, 'include[]': include } },
        response: { 200: wrappedBody('log_entry', logEntryBody) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const [row] = await db.select().from(logEntries).where(eq(logEntries.id, id));
      if (!row) throw notFound('Log entry');
      const [view] = await render([row], parseInclude(request.query as Query));
      return { log_entry: view };
    },
  );
}
