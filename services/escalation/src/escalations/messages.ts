import {
  AssignmentCommandKind,
  type EncodedMessage,
  encode,
  type IncidentChanged,
  timestampFromDate,
  topics,
} from '@klaxon/contracts';
import { newMessageId } from '@klaxon/ids';
import type { RunRow } from '../db';
import type { CommandDraft, CommandKind, NotifyDraft, RunState } from '../domain/incident-change';

const KINDS: Record<CommandKind, AssignmentCommandKind> = {
  assign: AssignmentCommandKind.ASSIGN,
  escalate: AssignmentCommandKind.ESCALATE,
  repeat: AssignmentCommandKind.REPEAT,
  exhausted: AssignmentCommandKind.EXHAUSTED,
  nobody: AssignmentCommandKind.NOBODY,
};

/** The incidents.assignments command asking grouping to apply a step of the run. */
export function commandMessage(incidentId: string, policyId: string, draft: CommandDraft, at: Date): EncodedMessage {
  return encode(topics.incidentsAssignments, {
    id: newMessageId(at),
    incidentId,
    kind: KINDS[draft.kind],
    escalationPolicyId: policyId,
    expectedLevel: draft.expectedLevel,
    escalationLevel: draft.level,
    assigneeIds: draft.assigneeIds,
    escalationCycle: draft.cycle,
    reason: draft.reason,
    requestedAt: timestampFromDate(at),
    ...(draft.escalateAt ? { escalateAt: timestampFromDate(draft.escalateAt) } : {}),
  });
}

/** The incidents.assignments command adding a requested policy's on-call as responders. */
export function respondersCommand(
  change: IncidentChanged,
  requestId: string,
  via: { policyId: string; userIds: string[] },
  at: Date,
): EncodedMessage {
  return encode(topics.incidentsAssignments, {
    // Derived from the change: a replayed change asks nothing new.
    id: `${change.id}.${via.policyId}`,
    incidentId: change.incidentId,
    kind: AssignmentCommandKind.ADD_RESPONDERS,
    escalationPolicyId: via.policyId,
    assigneeIds: via.userIds,
    responderRequestId: requestId,
    requestedAt: timestampFromDate(at),
  });
}

/**
 * One notifications.requested per assignee, for the incident as the change shows it. The id derives
 * from the change and the user: a change is applied once (inbox), and even a replay asks nothing new.
 */
export function notificationMessages(change: IncidentChanged, draft: NotifyDraft, at: Date): EncodedMessage[] {
  return draft.userIds.map((userId) =>
    encode(topics.notificationsRequested, {
      id: `${change.id}.${userId}`,
      userId,
      incidentId: change.incidentId,
      reason: draft.reason,
      escalationLevel: draft.level,
      escalationCycle: draft.cycle,
      requestedAt: timestampFromDate(at),
      urgency: draft.urgency ?? change.urgency,
      serviceId: change.serviceId,
      incidentTitle: change.title,
      incidentNumber: change.incidentNumber,
    }),
  );
}

export const runStateOf = (row: RunRow): RunState => ({
  policy: row.policy,
  level: row.level,
  cycle: row.cycle,
  assigneeIds: row.assigneeIds,
  active: row.active,
  dueAt: row.dueAt,
});

export const runRowOf = (incidentId: string, run: RunState, at: Date): RunRow => ({
  incidentId,
  ...run,
  updatedAt: at,
});
