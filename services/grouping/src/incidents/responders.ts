import type { IncidentAssignmentCommand } from '@klaxon/contracts';
import { type Executor, enqueueOutbox, sql } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import { httpError } from '@klaxon/kit';
import { eq } from 'drizzle-orm';
import {
  type EscalationPolicySnapshot,
  findEntities,
  type IncidentRow,
  incidentResponders,
  incidents,
  outbox,
  type ResponderRequestRow,
  type ResponderTarget,
  responderRequests,
  type UserSnapshot,
} from '../db';
import { invalid } from '../http/errors';
import { renderIncident } from '../views/incident.view';
import { changeMessage } from './commit';
import type { GroupingContext } from './context';

/** The body of POST /incidents/{id}/responder_requests, as its schema admits it. */
export interface ResponderRequestInput {
  requester_id: string;
  message: string;
  responder_request_targets: { responder_request_target: { id: string; type: string } }[];
}

/** `user_reference` / `escalation_policy_reference` (or the bare type) as the stored target type. */
const targetOf = ({ id, type }: { id: string; type: string }): ResponderTarget => ({
  id,
  type: type.replace(/_reference$/, '') as ResponderTarget['type'],
});

/**
 * Records a responder request on an open incident: the request, the users asked directly as
 * pending responders, and incidents.changed RESPONDERS_REQUESTED, on which escalation notifies them
 * and resolves the requested escalation policies' on-call (added later by ADD_RESPONDERS). Every
 * requester and target must exist; nothing is stored otherwise.
 */
export async function requestResponders(
  tx: Executor,
  ctx: Pick<GroupingContext, 'urls'>,
  row: IncidentRow,
  input: ResponderRequestInput,
  at: Date,
): Promise<ResponderRequestRow> {
  if (row.status === 'resolved') throw httpError('incident_already_resolved');
  const targets = input.responder_request_targets.map((t) => targetOf(t.responder_request_target));
  const userIds = [...new Set(targets.filter((t) => t.type === 'user').map((t) => t.id))];
  const policyIds = [...new Set(targets.filter((t) => t.type === 'escalation_policy').map((t) => t.id))];
  const users = await findEntities<UserSnapshot>(tx, 'user', [input.requester_id, ...userIds]);
  const policies = await findEntities<EscalationPolicySnapshot>(tx, 'escalation_policy', policyIds);
  if (!users.has(input.requester_id)) throw invalid(`Requester ${input.requester_id} not found`);
  for (const id of userIds) if (!users.has(id)) throw invalid(`User ${id} not found`);
  for (const id of policyIds) if (!policies.has(id)) throw invalid(`Escalation Policy ${id} not found`);

  const [request] = await tx
    .insert(responderRequests)
    .values({
      id: newObjectId(),
      incidentId: row.id,
      requesterId: input.requester_id,
      message: input.message,
      targets,
      requestedAt: at,
    })
    .returning();
  if (!request) throw new Error('responder request insert returned nothing');
  await addResponders(tx, row.id, request.id, userIds, null, at);
  const [updated] = await tx
    .update(incidents)
    .set({ version: sql`${incidents.version} + 1`, updatedAt: at })
    .where(eq(incidents.id, row.id))
    .returning();
  const current = updated ?? row;
  const view = await renderIncident(tx, ctx.urls, current);
  await enqueueOutbox(tx, outbox, [
    changeMessage(current, [], at, view, '', {
      responderRequest: {
        id: request.id,
        requesterId: request.requesterId,
        message: request.message,
        userIds,
        escalationPolicyIds: policyIds,
      },
    }),
  ]);
  return request;
}

/**
 * Makes users pending responders of a request (again, if an earlier request asked them), through
 * `policyId` when it names the escalation policy they were reached by.
 */
async function addResponders(
  tx: Executor,
  incidentId: string,
  requestId: string,
  userIds: readonly string[],
  policyId: string | null,
  at: Date,
): Promise<void> {
  if (userIds.length === 0) return;
  const policyIds = policyId ? [policyId] : [];
  await tx
    .insert(incidentResponders)
    .values(
      userIds.map((userId) => ({ incidentId, userId, requestId, state: 'pending' as const, policyIds, updatedAt: at })),
    )
    .onConflictDoUpdate({
      target: [incidentResponders.incidentId, incidentResponders.userId],
      set: {
        // Asked again by the same request through another policy: both policies are named.
        policyIds: sql`case when ${incidentResponders.requestId} = excluded.request_id
          then ${incidentResponders.policyIds} || excluded.policy_ids else excluded.policy_ids end`,
        requestId: sql`excluded.request_id`,
        state: sql`excluded.state`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}

/** ADD_RESPONDERS: the on-call escalation resolved for a requested policy joins the request's responders. */
export function addPolicyResponders(tx: Executor, command: IncidentAssignmentCommand, at: Date): Promise<void> {
  return addResponders(
    tx,
    command.incidentId,
    command.responderRequestId,
    command.assigneeIds,
    command.escalationPolicyId,
    at,
  );
}
