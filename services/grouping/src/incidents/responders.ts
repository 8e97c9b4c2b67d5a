import type { IncidentAssignmentCommand } from '@klaxon/contracts';
import { type Executor, enqueueOutbox, sql } from '@klaxon/db';
import { newRecordId } from '@klaxon/ids';
import { httpError } from '@klaxon/kit';
import { and, eq, inArray } from 'drizzle-orm';
import {
  type EscalationPolicySnapshot,
  findEntities,
  type IncidentResponderRow,
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
      id: newRecordId(),
      incidentId: row.id,
      requesterId: input.requester_id,
      message: input.message,
      targets,
      requestedAt: at,
    })
    .returning();
  if (!request) throw new Error('responder request insert returned nothing');
  await addResponders(tx, row.id, request.id, userIds, null, at);
  await publishSnapshot(tx, ctx, row, at, {
    id: request.id,
    requesterId: request.requesterId,
    message: request.message,
    userIds,
    escalationPolicyIds: policyIds,
  });
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

/** The outcome of cancelling one target, as PUT /incidents/{id}/responder_requests/cancel answers it. */
export type CancelResult = 'cancelled' | 'joined' | 'declined' | 'not_found';

/** What cancelling a target does to the responders it reached, per PagerDuty's cancel endpoint. */
export function cancelOutcome(states: readonly IncidentResponderRow['state'][]): CancelResult {
  if (states.length === 0) return 'not_found';
  if (states.some((s) => s === 'pending' || s === 'user_cancelled')) return 'cancelled';
  return states.includes('joined') ? 'joined' : 'declined';
}

/**
 * Cancels the pending responders these targets reached: a user directly, or every pending user an
 * escalation policy brought (`user_cancelled`; those who joined or declined keep their answer).
 * When anything changed, the incident's new snapshot goes out on incidents.changed, and notify
 * stops paging the cancelled users. Returns each target's result.
 */
export async function cancelResponders(
  tx: Executor,
  ctx: Pick<GroupingContext, 'urls'>,
  row: IncidentRow,
  targets: readonly ResponderTarget[],
  at: Date,
): Promise<{ target: ResponderTarget; result: CancelResult }[]> {
  const current = await tx
    .select()
    .from(incidentResponders)
    .where(eq(incidentResponders.incidentId, row.id))
    .for('update');
  const reached = (t: ResponderTarget) =>
    current.filter((r) => (t.type === 'user' ? r.userId === t.id : r.policyIds.includes(t.id)));
  const results = targets.map((target) => ({ target, result: cancelOutcome(reached(target).map((r) => r.state)) }));
  const cancelling = [
    ...new Set(
      targets.flatMap((t) =>
        reached(t)
          .filter((r) => r.state === 'pending')
          .map((r) => r.userId),
      ),
    ),
  ];
  if (cancelling.length === 0) return results;
  await tx
    .update(incidentResponders)
    .set({ state: 'user_cancelled', updatedAt: at })
    .where(and(eq(incidentResponders.incidentId, row.id), inArray(incidentResponders.userId, cancelling)));
  await publishSnapshot(tx, ctx, row, at);
  return results;
}

/**
 * A responder's answer to the request pending for them: `joined` (accept) or `declined`. Returns
 * false when nothing is pending for the user (answered already, cancelled, never asked, or the
 * incident resolved).
 */
export async function answerResponderRequest(
  tx: Executor,
  ctx: Pick<GroupingContext, 'urls'>,
  row: IncidentRow,
  userId: string,
  answer: 'accept' | 'decline',
  at: Date,
): Promise<boolean> {
  if (row.status === 'resolved') return false;
  const answered = await tx
    .update(incidentResponders)
    .set({ state: answer === 'accept' ? 'joined' : 'declined', updatedAt: at })
    .where(
      and(
        eq(incidentResponders.incidentId, row.id),
        eq(incidentResponders.userId, userId),
        eq(incidentResponders.state, 'pending'),
      ),
    )
    .returning({ userId: incidentResponders.userId });
  if (answered.length === 0) return false;
  await publishSnapshot(tx, ctx, row, at);
  return true;
}

/**
 * A new version of the incident, whose snapshot shows its responders as they are now; with a
 * request just made, published as RESPONDERS_REQUESTED for escalation to notify.
 */
async function publishSnapshot(
  tx: Executor,
  ctx: Pick<GroupingContext, 'urls'>,
  row: IncidentRow,
  at: Date,
  responderRequest?: NonNullable<Parameters<typeof changeMessage>[5]>['responderRequest'],
) {
  const [updated] = await tx
    .update(incidents)
    .set({ version: sql`${incidents.version} + 1`, updatedAt: at })
    .where(eq(incidents.id, row.id))
    .returning();
  const current = updated ?? row;
  const view = await renderIncident(tx, ctx.urls, current);
  await enqueueOutbox(tx, outbox, [
    changeMessage(current, [], at, view, '', responderRequest ? { responderRequest } : {}),
  ]);
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
