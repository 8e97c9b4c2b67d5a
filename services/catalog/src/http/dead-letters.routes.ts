import { administersAccount, ensureAllowed, listEnvelope, parsePage, principalOf } from '@klaxon/rest';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CatalogContext } from '../context';
import { countDeadLetters, deleteDeadLetter, findDeadLetter, listDeadLetters, replayDeadLetter } from '../db';
import { notFound } from '../domain/checks';
import { deadLetterView } from '../views/dead-letter.view';
import {
  deadLetterSchema,
  deleteDeadLetterSchema,
  listDeadLettersSchema,
  replayDeadLetterSchema,
} from './dead-letters.schemas';

/** Dead letters hold any service's messages (user data included): the account's owner and admins only. */
function ensureAdministers(request: FastifyRequest): void {
  ensureAllowed(administersAccount(principalOf(request)), 'Only an owner or admin may see or act on dead letters');
}

/**
 * Dead letters (Klaxon addition; PagerDuty has none): the messages consumers set aside, kept until
 * replayed (put back on their topic, for every group of it to apply once) or deleted.
 */
export function deadLetterRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;

  app.get('/dead_letters', { schema: listDeadLettersSchema }, async (request) => {
    ensureAdministers(request);
    const query = request.query as {
      limit?: number;
      offset?: number;
      total?: string;
      topic?: string;
      consumer_group?: string;
    };
    const page = parsePage(query);
    const filter = { topic: query.topic, group: query.consumer_group };
    const rows = await listDeadLetters(db, filter, page);
    return listEnvelope(
      'dead_letters',
      page,
      rows.map((r) => deadLetterView(urls, r)),
      () => countDeadLetters(db, filter),
    );
  });

  app.get('/dead_letters/:id', { schema: deadLetterSchema }, async (request) => {
    ensureAdministers(request);
    const row = await findDeadLetter(db, (request.params as { id: string }).id);
    if (!row) throw notFound('Dead letter');
    return { dead_letter: deadLetterView(urls, row) };
  });

  app.post('/dead_letters/:id/replay', { schema: replayDeadLetterSchema }, async (request) => {
    ensureAdministers(request);
    const row = await replayDeadLetter(db, (request.params as { id: string }).id);
    if (!row) throw notFound('Dead letter');
    ctx.published();
    request.log.info({ deadLetterId: row.id, topic: row.topic, group: row.group }, 'dead_letter_replayed');
    return { dead_letter: deadLetterView(urls, row) };
  });

  app.delete('/dead_letters/:id', { schema: deleteDeadLetterSchema }, async (request, reply) => {
    ensureAdministers(request);
    const id = (request.params as { id: string }).id;
    if (!(await deleteDeadLetter(db, id))) throw notFound('Dead letter');
    request.log.info({ deadLetterId: id }, 'dead_letter_deleted');
    return reply.status(204).send();
  });
}
