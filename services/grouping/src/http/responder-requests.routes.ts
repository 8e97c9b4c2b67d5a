import { arrayOf, wrappedBody } from '@klaxon/rest';
import type { FastifyInstance } from 'fastify';
import { type EscalationPolicySnapshot, findEntities, findIncident, type UserSnapshot } from '../db';
import type { GroupingContext } from '../incidents/context';
import { cancelResponders, type ResponderRequestInput, requestResponders } from '../incidents/responders';
import { loadResponders, respondersRefIds, respondersView } from '../views/responders.view';
import { requester } from './auth';
import { responderRequestBody } from './bodies.schemas';
import { notFound } from './errors';

const targetTypes = ['user', 'user_reference', 'escalation_policy', 'escalation_policy_reference'];

const responderRequestSchema = {
  tags: ['Incidents'],
  summary: 'Create a responder request for an incident',
  response: { 200: wrappedBody('responder_request', responderRequestBody) },
  body: {
    type: 'object',
    required: ['requester_id', 'message', 'responder_request_targets'],
    properties: {
      requester_id: { type: 'string', minLength: 1 },
      message: { type: 'string', maxLength: 1024 },
      responder_request_targets: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['responder_request_target'],
          properties: {
            responder_request_target: {
              type: 'object',
              required: ['id', 'type'],
              properties: { id: { type: 'string', minLength: 1 }, type: { type: 'string', enum: targetTypes } },
            },
          },
        },
      },
    },
  },
} as const;

// The targets cancel takes and answers: a user, or an escalation policy (its pending responders).
const cancelTarget = {
  type: { type: 'string', enum: ['user_reference', 'escalation_policy_reference'] },
  id: { type: 'string', minLength: 1 },
} as const;

const cancelSchema = {
  tags: ['Incidents'],
  summary: 'Cancel responder requests for an incident',
  body: {
    type: 'object',
    required: ['requester_id', 'responder_request_targets'],
    properties: {
      requester_id: { type: 'string', minLength: 1 },
      responder_request_targets: {
        type: 'array',
        minItems: 1,
        items: { type: 'object', required: ['type', 'id'], properties: cancelTarget },
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['responder_request_targets'],
      description: 'Each target as given, with what cancelling did to it',
      properties: {
        responder_request_targets: arrayOf({
          type: 'object',
          required: ['type', 'id', 'result'],
          properties: {
            ...cancelTarget,
            result: { type: 'string', enum: ['cancelled', 'joined', 'declined', 'not_found'] },
          },
        }),
      },
    },
  },
} as const;

interface CancelInput {
  requester_id: string;
  responder_request_targets: { type: 'user_reference' | 'escalation_policy_reference'; id: string }[];
}

/**
 * `POST /incidents/{id}/responder_requests`: asks users, or whoever escalation policies have on call,
 * to help with an incident. Answers PagerDuty's 200 with the request; escalation notifies the
 * responders (high urgency), and those reached through a policy appear once it has resolved them.
 * `PUT /incidents/{id}/responder_requests/cancel` cancels the pending ones.
 */
export function responderRequestRoutes(app: FastifyInstance, ctx: GroupingContext): void {
  const { db, urls } = ctx;
  app.post('/incidents/:id/responder_requests', { schema: responderRequestSchema }, async (request) => {
    const { id } = request.params as { id: string };
    const input = request.body as ResponderRequestInput;
    const at = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      await requester(tx, request);
      const row = await findIncident(tx, id, true);
      if (!row) throw notFound('Incident');
      const made = await requestResponders(tx, ctx, row, input, at);
      const responders = await loadResponders(tx, [row.id]);
      const named = respondersRefIds(responders);
      const names = {
        users: await findEntities<UserSnapshot>(tx, 'user', named.userIds),
        policies: await findEntities<EscalationPolicySnapshot>(tx, 'escalation_policy', named.policyIds),
      };
      const { requestView } = respondersView(
        urls,
        row,
        responders.requests.get(row.id) ?? [],
        responders.responders.get(row.id) ?? [],
        names,
      );
      return requestView(made);
    });
    ctx.published();
    return { responder_request: view };
  });

  // PagerDuty's cancel: pending responders stop being asked (`user_cancelled`); each target answers
  // cancelled, joined, declined or not_found.
  app.put('/incidents/:id/responder_requests/cancel', { schema: cancelSchema }, async (request) => {
    const { id } = request.params as { id: string };
    const input = request.body as CancelInput;
    const at = ctx.clock.now();
    const targets = input.responder_request_targets.map((t) => ({
      type: t.type === 'user_reference' ? ('user' as const) : ('escalation_policy' as const),
      id: t.id,
    }));
    const results = await db.transaction(async (tx) => {
      await requester(tx, request);
      const row = await findIncident(tx, id, true);
      if (!row) throw notFound('Incident');
      return cancelResponders(tx, ctx, row, targets, at);
    });
    ctx.published();
    return {
      responder_request_targets: results.map((r, i) => ({ ...input.responder_request_targets[i], result: r.result })),
    };
  });
}
