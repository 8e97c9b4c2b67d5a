import { newRecordId } from '@klaxon/ids';
import { wrappedBody } from '@klaxon/rest';
import type { FastifyInstance } from 'fastify';
import { findEntities, findIncident, statusUpdates, type UserSnapshot } from '../db';
import type { GroupingContext } from '../incidents/context';
import { requester } from './auth';
import { statusUpdateBody } from './bodies.schemas';
import { invalid, notFound } from './errors';

const statusUpdateSchema = {
  tags: ['Incidents'],
  summary: 'Create a status update on an incident',
  response: { 200: wrappedBody('status_update', statusUpdateBody) },
  params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } },
  body: {
    type: 'object',
    required: ['message'],
    properties: {
      message: { type: 'string', minLength: 1, maxLength: 65_536, pattern: '\\S' },
      subject: { type: 'string', minLength: 1, maxLength: 1024 },
      html_message: { type: 'string', minLength: 1, maxLength: 65_536 },
    },
  },
} as const;

/**
 * POST /incidents/{id}/status_updates: a status update posted on an incident by the requester, kept
 * with the incident (grouping owns incidents). Klaxon has no status-update subscribers to send it to yet.
 */
export function statusUpdateRoutes(app: FastifyInstance, ctx: GroupingContext): void {
  const { db, urls } = ctx;
  app.post('/incidents/:id/status_updates', { schema: statusUpdateSchema }, async (request) => {
    const { id } = request.params as { id: string };
    const input = request.body as { message: string; subject?: string; html_message?: string };
    // Both or neither: PagerDuty needs the subject for a custom HTML email and the HTML for its body.
    if ((input.subject === undefined) !== (input.html_message === undefined)) {
      throw invalid('subject and html_message go together (a custom HTML email needs both)');
    }
    const at = ctx.clock.now();
    return db.transaction(async (tx) => {
      const sender = await requester(tx, request);
      const incident = await findIncident(tx, id);
      if (!incident) throw notFound('Incident');
      const [row] = await tx
        .insert(statusUpdates)
        .values({
          id: newRecordId(),
          incidentId: incident.id,
          senderId: sender.id,
          message: input.message,
          subject: input.subject ?? null,
          htmlMessage: input.html_message ?? null,
          createdAt: at,
        })
        .returning();
      if (!row) throw new Error('status update insert returned nothing');
      const users = await findEntities<UserSnapshot>(tx, 'user', [sender.id]);
      return {
        status_update: {
          id: row.id,
          message: row.message,
          sender: urls.ref('user', sender.id, users.get(sender.id)?.name ?? sender.id),
          created_at: row.createdAt.toISOString(),
          ...(row.subject !== null ? { subject: row.subject, html_message: row.htmlMessage } : {}),
        },
      };
    });
  });
}
