import { type Database, enqueueOutbox } from '@klaxon/db';
import { errorResponse, httpError, noContent } from '@klaxon/kit';
import type { FastifyInstance } from 'fastify';
import { recordProviderStatus } from '../db';
import { outbox } from '../db/tables';
import { providerStatusOf, statusRank, validTwilioSignature } from '../domain/twilio-status';
import { deliveredMessages } from '../people/delivered';

/** Where Twilio posts an attempt's status: the notification key is the attempt's id. */
export const twilioStatusPath = (key: string) => `/twilio/status/${encodeURIComponent(key)}`;

export interface TwilioStatusDeps {
  db: Database;
  now: () => Date;
  /** The auth token Twilio signs callbacks with; unset: Twilio is not configured, nothing is accepted. */
  authToken: string | undefined;
  /** The public base the callback URLs were given with (what Twilio signed). */
  base: string;
  published: () => void;
}

const paramsSchema = {
  type: 'object',
  required: ['key'],
  properties: { key: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
} as const;

/**
 * Twilio's delivery status callbacks (StatusCallback of Messages and Calls): signed with
 * X-Twilio-Signature, checked against the URL Twilio was given. A status updates the attempt; a
 * final failure (undelivered, failed, busy, no-answer, canceled) fails it and tells grouping through
 * notifications.delivered, so the incident's log says the person was not reached.
 */
export function twilioStatusRoutes(app: FastifyInstance, deps: TwilioStatusDeps): void {
  // In a scope of their own: only these routes take form bodies, as Twilio posts them.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.post(
      '/twilio/status/:key',
      {
        schema: {
          tags: ['Klaxon'],
          summary: "Twilio's delivery status callback for a notification attempt (Klaxon addition)",
          description:
            'A form body as Twilio posts it, signed with `X-Twilio-Signature` (HMAC-SHA1 with the auth token).',
          security: [],
          params: paramsSchema,
          response: { 204: noContent, 403: errorResponse('access_denied') },
        },
        config: { public: true },
      },
      async (request, reply) => {
        if (!deps.authToken) throw httpError('not_found', ['Twilio status callbacks are not configured']);
        const { key } = request.params as { key: string };
        const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
          string,
          string
        >;
        const url = `${deps.base.replace(/\/$/, '')}${request.url}`;
        const signature = request.headers['x-twilio-signature'];
        if (!validTwilioSignature(deps.authToken, url, form, typeof signature === 'string' ? signature : undefined)) {
          request.log.warn({ key }, 'twilio_callback_signature_invalid');
          throw httpError('access_denied', ['The X-Twilio-Signature does not match']);
        }
        const status = providerStatusOf(form);
        if (!status) throw httpError('invalid_input', ['The callback carries no MessageStatus or CallStatus']);
        const now = deps.now();
        const result = await deps.db.transaction(async (tx) => {
          const r = await recordProviderStatus(tx, key, status, statusRank, status.rank, now);
          const delivered = deliveredMessages(
            r.failed.map((a) => ({ ...a, ok: false })),
            now,
          );
          if (delivered.length > 0) await enqueueOutbox(tx, outbox, delivered);
          return r;
        });
        if (result.failed.length > 0) deps.published();
        request.log.info(
          { key, status: status.status, updated: result.updated, failed: result.failed.length },
          'twilio_status_recorded',
        );
        return reply.status(204).send();
      },
    );
  });
}
