import { HttpError } from '@klaxon/kit';
import { actionLinkPath, type IncidentAction, verifyActionToken } from '@klaxon/rest';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { findIncident, findUser } from '../db';
import type { GroupingContext } from '../incidents/context';
import { manageIncident } from '../incidents/manage';
import { answerResponderRequest } from '../incidents/responders';
import { mayChangeIncidents } from './auth';
import { htmlPage, htmlPageOrError } from './bodies.schemas';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const VERB: Record<IncidentAction, string> = {
  acknowledge: 'Acknowledge incident',
  resolve: 'Resolve incident',
  accept: 'Accept the request to respond to incident',
  decline: 'Decline the request to respond to incident',
};
const DONE: Record<IncidentAction, string> = {
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  accept: 'joined: you are a responder',
  decline: 'declined',
};

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${body}</body></html>`,
    );
}

/** Each answer of a link is a page for a person: valid, forbidden (bad signature or role), unknown, expired. */
const linkPages = (ok: string) => ({
  200: htmlPage(ok),
  403: htmlPage('The link is not valid, or its user may not change incidents'),
  404: htmlPageOrError('Action links are not enabled, the incident does not exist, or the token is too long'),
  410: htmlPage('The link has expired'),
});

const tokenSchema = {
  tags: ['Klaxon'],
  security: [],
  params: {
    type: 'object',
    required: ['token'],
    properties: { token: { type: 'string', minLength: 1, maxLength: 200 } },
  },
} as const;

/**
 * The acknowledge/resolve links of emails and SMS (signed by notify, see @klaxon/rest action-links):
 * no API token, the signature says who acts. GET answers a page that submits itself (a browser acts
 * in one click) while a mail scanner fetching the link changes nothing; POST acts as the notified
 * user through the same manageIncident path as PUT /incidents/{id}, or answers their pending
 * responder request (PagerDuty's API has no endpoint for that: responders answer in its apps).
 */
export function actionLinkRoutes(
  app: FastifyInstance,
  ctx: GroupingContext,
  settings: { key: string | undefined; incidentUrl: (id: string) => string },
): void {
  const check = (reply: FastifyReply, token: string) => {
    if (!settings.key) {
      page(reply, 404, 'Action links are not enabled', '<p>Open the incident in Klaxon instead.</p>');
      return undefined;
    }
    const result = verifyActionToken(settings.key, token, ctx.clock.now());
    if (result.ok) return result.grant;
    if (result.reason === 'expired') {
      page(reply, 410, 'This link has expired', '<p>Open the incident in Klaxon to act on it.</p>');
    } else page(reply, 403, 'This link is not valid', '<p>It may have been changed or cut short.</p>');
    return undefined;
  };

  app.get(
    '/incident_actions/:token',
    {
      schema: {
        ...tokenSchema,
        summary: 'The page of a one-click acknowledge, resolve, accept or decline link (Klaxon addition)',
        response: linkPages('A page that submits itself to act'),
      },
      config: { public: true },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const grant = check(reply, token);
      if (!grant) return reply;
      const verb = VERB[grant.action];
      return page(
        reply,
        200,
        verb,
        `<form id="act" method="post" action="${esc(actionLinkPath(token))}"><button type="submit">${verb} ${esc(grant.incidentId)}</button></form>
<script>document.getElementById('act').submit()</script>`,
      );
    },
  );

  app.post(
    '/incident_actions/:token',
    {
      schema: {
        ...tokenSchema,
        summary:
          'Acknowledge, resolve, or answer a request to respond, as the notified user, by a signed link (Klaxon addition)',
        response: {
          ...linkPages('The incident was changed'),
          409: htmlPage('The incident could not be changed (already resolved, ...), or no request to respond waits'),
        },
      },
      config: { public: true },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const grant = check(reply, token);
      if (!grant) return reply;
      const link = `<p><a href="${esc(settings.incidentUrl(grant.incidentId))}">Open the incident</a></p>`;
      const at = ctx.clock.now();
      try {
        const number = await ctx.db.transaction(async (tx) => {
          const user = await findUser(tx, grant.userId);
          if (!user || !mayChangeIncidents(user.role)) return 'forbidden' as const;
          const row = await findIncident(tx, grant.incidentId, true);
          if (!row) return 'missing' as const;
          if (grant.action === 'accept' || grant.action === 'decline') {
            const answered = await answerResponderRequest(tx, ctx, row, user.id, grant.action, at);
            return answered ? row.number : ('not_pending' as const);
          }
          const status = grant.action === 'acknowledge' ? 'acknowledged' : 'resolved';
          const done = await manageIncident(tx, ctx, row, { status }, { type: 'user', id: user.id }, at);
          return done.number;
        });
        if (number === 'forbidden') return page(reply, 403, 'You may not change this incident', link);
        if (number === 'missing') return page(reply, 404, 'Incident not found', '');
        if (number === 'not_pending')
          return page(reply, 409, 'No request to respond is waiting for your answer on this incident', link);
        ctx.published();
        request.log.info({ incidentId: grant.incidentId, action: grant.action }, 'incident_action_link_used');
        return page(reply, 200, `Incident #${number} ${DONE[grant.action]}`, link);
      } catch (err) {
        // A refusal of the lifecycle (already acknowledged, already resolved) is the answer, not a fault.
        if (!(err instanceof HttpError) || err.status >= 500) throw err;
        const body = err.body as { error?: { message?: string } };
        return page(reply, 409, body.error?.message ?? 'The incident could not be changed', link);
      }
    },
  );
}
