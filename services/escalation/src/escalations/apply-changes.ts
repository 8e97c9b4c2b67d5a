import { type EncodedMessage, type IncidentChanged, IncidentChangeKind, timestampDate } from '@klaxon/contracts';
import { claimMessages, enqueueOutbox } from '@klaxon/db';
import { type EscalationPolicySnapshot, findEntities, inbox, lockRuns, outbox, saveRuns } from '../db';
import { type PolicyPlan, planOf, type Reach } from '../domain/escalation-run';
import { decideChange, type IncidentFacts, type RunState } from '../domain/incident-change';
import { respondersOf } from '../domain/responders';
import type { EscalationContext } from './context';
import { commandMessage, notificationMessages, respondersCommand, runRowOf, runStateOf } from './messages';
import { loadReach } from './reach';

const CHANGES: Partial<Record<IncidentChangeKind, IncidentFacts['changes'][number]>> = {
  [IncidentChangeKind.TRIGGERED]: 'triggered',
  [IncidentChangeKind.ACKNOWLEDGED]: 'acknowledged',
  [IncidentChangeKind.ESCALATED]: 'escalated',
  [IncidentChangeKind.REASSIGNED]: 'reassigned',
  [IncidentChangeKind.RESOLVED]: 'resolved',
  [IncidentChangeKind.UNACKNOWLEDGED]: 'unacknowledged',
  [IncidentChangeKind.DELEGATED]: 'delegated',
};

/** The facts escalation acts on, read once from the message (and its REST snapshot's assigned_via). */
export function factsOf(change: IncidentChanged, fallbackAt: Date): IncidentFacts {
  let assignedVia: unknown;
  try {
    assignedVia = (JSON.parse(change.snapshotJson || '{}') as { assigned_via?: unknown }).assigned_via;
  } catch {
    assignedVia = undefined;
  }
  const status = change.status === 'acknowledged' || change.status === 'resolved' ? change.status : 'triggered';
  return {
    status,
    changes: change.changes.flatMap((k) => {
      const kind = CHANGES[k];
      return kind ? [kind] : [];
    }),
    level: change.escalationLevel || 1,
    assigneeIds: [...change.assignedUserIds],
    policyId: change.escalationPolicyId,
    directlyAssigned: assignedVia === 'direct_assignment',
    at: change.occurredAt ? timestampDate(change.occurredAt) : fallbackAt,
  };
}

/**
 * A responder request: its users and the requested policies' on-call are notified with their high
 * urgency rules (as PagerDuty does), and grouping is asked to add those reached through a policy.
 */
function responderMessages(
  change: IncidentChanged,
  plans: ReadonlyMap<string, PolicyPlan>,
  reach: Reach,
  at: Date,
): EncodedMessage[] {
  const request = change.responderRequest;
  if (!request || !change.changes.includes(IncidentChangeKind.RESPONDERS_REQUESTED)) return [];
  const reached = respondersOf(request, plans, reach);
  const notify = {
    userIds: reached.userIds,
    reason: 'responder_request',
    level: 0,
    cycle: 0,
    urgency: 'high',
  } as const;
  return [
    ...notificationMessages(change, notify, at),
    ...reached.viaPolicy.map((via) => respondersCommand(change, request.id, via, at)),
  ];
}

/**
 * Applies a partition's batch of incidents.changed messages in ONE transaction: one inbox claim, one
 * statement locking the batch's runs (a timer firing on one waits, or is skipped by the poller), the
 * policies and schedules for the whole batch in a few reads, a decision per message in order, then
 * one multi-row upsert of the changed runs and one outbox insert of the commands and notification
 * requests.
 */
export function applyIncidentChanges(ctx: EscalationContext, changes: readonly IncidentChanged[]): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const todo = await claimMessages(tx, inbox, changes);
    if (todo.length === 0) return 0;
    const runs = new Map<string, RunState>(
      (
        await lockRuns(
          tx,
          todo.map((c) => c.incidentId),
        )
      ).map((r) => [r.incidentId, runStateOf(r)]),
    );
    const snapshots = await findEntities<EscalationPolicySnapshot>(tx, 'escalation_policy', [
      ...todo.map((c) => c.escalationPolicyId).filter(Boolean),
      ...todo.flatMap((c) => c.responderRequest?.escalationPolicyIds ?? []),
    ]);
    const plans = new Map([...snapshots].map(([id, p]) => [id, planOf(p)]));
    const now = ctx.clock.now();
    const facts = todo.map((c) => factsOf(c, now));
    const reachAt = await loadReach(
      tx,
      [...plans.values(), ...[...runs.values()].map((r) => r.policy)],
      facts.map((f) => f.at),
      ctx.log,
    );
    const changed = new Map<string, RunState>();
    const messages: EncodedMessage[] = [];
    todo.forEach((change, i) => {
      const f = facts[i] as IncidentFacts;
      const decision = decideChange(runs.get(change.incidentId), f, plans.get(f.policyId), reachAt(f.at));
      if (decision.run) {
        runs.set(change.incidentId, decision.run);
        changed.set(change.incidentId, decision.run);
      }
      if (decision.command) {
        const policyId = decision.run?.policy.id ?? f.policyId;
        messages.push(commandMessage(change.incidentId, policyId, decision.command, f.at));
      }
      if (decision.notify) messages.push(...notificationMessages(change, decision.notify, f.at));
      messages.push(...responderMessages(change, plans, reachAt(f.at), f.at));
    });
    await saveRuns(
      tx,
      [...changed].map(([id, run]) => runRowOf(id, run, now)),
    );
    if (messages.length > 0) await enqueueOutbox(tx, outbox, messages);
    return messages.length;
  });
}
