import { newRecordId } from '@klaxon/ids';
import { httpError } from '@klaxon/kit';
import { arrayOf, wrappedBody } from '@klaxon/rest';
import { asc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { findEntities, findIncident, notes, type UserSnapshot } from '../db';
import { lifecycle } from '../domain';
import { commitTransition, insertLogEntry, publishChange } from '../incidents/commit';
import type { GroupingContext } from '../incidents/context';
import { mergeIncidents } from '../incidents/merge';
import { stateOf } from '../incidents/state';
import { renderIncident } from '../views/incident.view';
import { requester } from './auth';
import { noteBody, oneIncident } from './bodies.schemas';
import { notFound, orRefuse } from './errors';
import { mergeSchema, noteSchema, snoozeSchema } from './incidents.schemas';

/** PagerDuty's limit of notes on one incident. */
const MAX_NOTES = 2000;

export function incidentActionRoutes(app: FastifyInstance, ctx: GroupingContext): void {
  const { db, urls } = ctx;

  app.put(
    '/incidents/:id/merge',
    { schema: { ...mergeSchema, tags: ['Incidents'], summary: 'Merge incidents', response: { 200: oneIncident } } },
    async (request) => {
      const { id } = request.params as { id: string };
      const sources = (request.body as { source_incidents: { id: string }[] }).source_incidents.map((s) => s.id);
      const at = ctx.clock.now();
      const view = await db.transaction(async (tx) => {
        const actor = await requester(tx, request);
        const target = await findIncident(tx, id);
        if (!target) throw notFound('Incident');
        return renderIncident(tx, urls, await mergeIncidents(tx, ctx, target.id, sources, actor, at));
      });
      ctx.published();
      return { incident: view };
    },
  );

  app.post(
    '/incidents/:id/snooze',
    { schema: { ...snoozeSchema, tags: ['Incidents'], summary: 'Snooze an incident', response: { 201: oneIncident } } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { duration } = request.body as { duration: number };
      const at = ctx.clock.now();
      const view = await db.transaction(async (tx) => {
        const actor = await requester(tx, request);
        const row = await findIncident(tx, id, true);
        if (!row) throw notFound('Incident');
        const result = orRefuse(lifecycle.snooze(stateOf(row), duration, at));
        const cause = { actor, channel: { type: 'website' } };
        const snoozed = await commitTransition(tx, ctx, row, result, cause, at);
        await insertLogEntry(tx, {
          type: 'snooze',
          incidentId: row.id,
          serviceId: row.serviceId,
          cause,
          at,
          extra: {
            changed_actions: [{ type: 'unacknowledge', at: result.incident.snoozedUntil?.toISOString() ?? null }],
          },
        });
        return renderIncident(tx, urls, snoozed);
      });
      ctx.published();
      return reply.status(201).send({ incident: view });
    },
  );

  const noteView = (n: typeof notes.$inferSelect, users: Map<string, UserSnapshot>) => ({
    id: n.id,
    user: urls.ref('user', n.userId, users.get(n.userId)?.name ?? n.userId),
    channel: { summary: 'The PagerDuty website or APIs' },
    content: n.content,
    created_at: n.createdAt.toISOString(),
  });

  app.get(
    '/incidents/:id/notes',
    {
      schema: {
        tags: ['Incidents'],
        summary: "List an incident's notes",
        response: { 200: { type: 'object', required: ['notes'], properties: { notes: arrayOf(noteBody) } } },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const row = await findIncident(db, id);
      if (!row) throw notFound('Incident');
      const rows = await db.select().from(notes).where(eq(notes.incidentId, row.id)).orderBy(asc(notes.createdAt));
      const users = await findEntities<UserSnapshot>(
        db,
        'user',
        rows.map((n) => n.userId),
      );
      return { notes: rows.map((n) => noteView(n, users)) };
    },
  );

  app.post(
    '/incidents/:id/notes',
    {
      schema: {
        ...noteSchema,
        tags: ['Incidents'],
        summary: 'Create a note on an incident',
        response: { 200: wrappedBody('note', noteBody) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { content } = (request.body as { note: { content: string } }).note;
      const at = ctx.clock.now();
      const answer = await db.transaction(async (tx) => {
        const actor = await requester(tx, request);
        const row = await findIncident(tx, id, true);
        if (!row) throw notFound('Incident');
        const [count] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(notes)
          .where(eq(notes.incidentId, row.id));
        if ((count?.n ?? 0) >= MAX_NOTES)
          throw httpError('product_limit_reached', ['An incident holds at most 2000 notes']);
        const [note] = await tx
          .insert(notes)
          .values({ id: newRecordId(), incidentId: row.id, userId: actor.id, content, createdAt: at })
          .returning();
        await insertLogEntry(tx, {
          type: 'annotate',
          incidentId: row.id,
          serviceId: row.serviceId,
          cause: { actor, channel: { type: 'website' }, note: content },
          at,
        });
        if (!note) throw new Error('note insert returned nothing');
        // incident.annotated for webhooks v3.
        await publishChange(tx, ctx, row, ['annotated'], at, '', { agent: actor, note: { id: note.id, content } });
        return { note: noteView(note, await findEntities<UserSnapshot>(tx, 'user', [actor.id])) };
      });
      ctx.published();
      return answer;
    },
  );
}
