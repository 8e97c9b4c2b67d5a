import type { Executor } from '@klaxon/db';
import { eq, sql } from 'drizzle-orm';
import { type Actor, findEscalationPolicy, findService, type IncidentRow, incidents } from '../db';
import { lifecycle, type Urgency } from '../domain';
import { invalid, orRefuse } from '../http/errors';
import { type Cause, commitTransition, publishChange } from './commit';
import type { GroupingContext } from './context';
import { type PriorityInput, priorityFor } from './priority';
import { timeoutsOf } from './service-settings';
import { stateOf } from './state';

/** The fields of PUT /incidents/{id} (and each item of the bulk PUT) grouping acts on. */
export interface ManageInput {
  status?: 'triggered' | 'acknowledged' | 'resolved';
  resolution?: string;
  title?: string;
  priority?: PriorityInput;
  escalation_level?: number;
  assignments?: { assignee: { id: string } }[];
  escalation_policy?: { id: string };
  urgency?: Urgency;
}

const WEBSITE = { type: 'website' } as const;

/**
 * Applies a manage request to a locked incident, step by step in PagerDuty's order (fields, then
 * urgency, assignment, escalation, and status last). The first refusal throws, and the caller's
 * transaction rolls the whole request back (bulk updates are all-or-nothing).
 *
 * `status: triggered|acknowledged` on a resolved incident reopens it, and that comes first, so the
 * other fields of the request apply to the open incident instead of being refused with 1001.
 */
export async function manageIncident(
  tx: Executor,
  ctx: GroupingContext,
  start: IncidentRow,
  input: ManageInput,
  actor: Actor,
  at: Date,
): Promise<IncidentRow> {
  let row = start;
  const cause: Cause = { actor, channel: WEBSITE };
  const step = async (
    result: lifecycle.LifecycleResult,
    extra: Partial<Cause> = {},
    patch: Partial<IncidentRow> = {},
  ) => {
    row = await commitTransition(tx, ctx, row, orRefuse(result), { ...cause, ...extra }, at, patch);
  };
  const timeouts = async () => timeoutsOf(await findService(tx, row.serviceId));
  const reopenAs = row.status === 'resolved' && input.status !== 'resolved' ? input.status : undefined;
  if (reopenAs) await step(lifecycle.reopen(stateOf(row), reopenAs, at, await timeouts()));
  if (input.title !== undefined || input.priority !== undefined) {
    if (input.title !== undefined && input.title.trim() === '') throw invalid('Title cannot be empty.');
    const [updated] = await tx
      .update(incidents)
      .set({
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.priority !== undefined ? { priority: priorityFor(ctx.urls, input.priority) } : {}),
        version: sql`${incidents.version} + 1`,
        updatedAt: at,
      })
      .where(eq(incidents.id, row.id))
      .returning();
    if (updated) {
      // incident.priority_updated for webhooks v3, when the priority really changed.
      const priorityOf = (r: IncidentRow) => (r.priority as { id?: string } | null)?.id ?? null;
      if (input.priority !== undefined && priorityOf(updated) !== priorityOf(row)) {
        await publishChange(tx, ctx, updated, ['priority_updated'], at, '', { agent: actor });
      }
      row = updated;
    }
  }
  if (input.urgency !== undefined) await step(lifecycle.changeUrgency(stateOf(row), input.urgency));
  if (input.assignments !== undefined) {
    const ids = [...new Set(input.assignments.map((a) => a.assignee.id))];
    // In the same update, so the published change says assigned_via direct_assignment: escalation
    // then stops escalating the incident instead of assigning its policy's level again.
    await step(lifecycle.reassign(stateOf(row), ids, at), {}, { assignedVia: 'direct_assignment' });
  }
  if (input.escalation_policy !== undefined) {
    if (input.assignments?.length) throw invalid('Specify assignments or escalation_policy, not both');
    const policyId = input.escalation_policy.id;
    if (!(await findEscalationPolicy(tx, policyId))) throw invalid(`Escalation Policy ${policyId} not found`);
    // Assigned by the policy again (even if assigned by hand before), so escalation runs it.
    await step(
      lifecycle.delegate(stateOf(row), at),
      {},
      { escalationPolicyId: policyId, assignedVia: 'escalation_policy' },
    );
  }
  if (input.escalation_level !== undefined) {
    const policy = row.escalationPolicyId ? await findEscalationPolicy(tx, row.escalationPolicyId) : undefined;
    const levels = Array.isArray(policy?.escalation_rules) ? policy.escalation_rules.length : 1;
    await step(lifecycle.escalate(stateOf(row), input.escalation_level, levels, at));
  }
  // Reopened and still in the asked status: done (a later reassign or escalate may have
  // un-acknowledged it, and then the status step acknowledges it again, as PagerDuty's order has it).
  if (input.status !== undefined && !(reopenAs && row.status === reopenAs)) {
    const state = stateOf(row);
    if (input.status === 'acknowledged') {
      await step(lifecycle.acknowledge(state, at, await timeouts()));
    } else if (input.status === 'triggered') {
      await step(lifecycle.unacknowledge(state, at));
    } else {
      await step(lifecycle.resolve(state, at), { note: input.resolution ?? null });
    }
  }
  return row;
}
