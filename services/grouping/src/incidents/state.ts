import type { IncidentRow } from '../db';
import type { lifecycle } from '../domain';

type IncidentState = lifecycle.IncidentState;

/** The state machine's view of a stored incident. */
export function stateOf(row: IncidentRow): IncidentState {
  return {
    id: row.id,
    status: row.status,
    title: row.title,
    urgency: row.urgency,
    alertCount: row.alertCount,
    escalationLevel: row.escalationLevel,
    assigneeIds: row.assignments.map((a) => a.userId),
    createdAt: row.createdAt,
    lastStatusChangeAt: row.lastStatusChangeAt,
    acknowledgedAt: row.acknowledgedAt,
    resolvedAt: row.resolvedAt,
    snoozedUntil: row.snoozedUntil,
    mergedInto: row.mergedInto,
  };
}

/** The row columns a new state changes; assignments keep their original `at` when the assignee stays. */
export function rowPatch(row: IncidentRow, next: IncidentState, now: Date) {
  const kept = new Map(row.assignments.map((a) => [a.userId, a.at]));
  return {
    status: next.status,
    title: next.title,
    urgency: next.urgency,
    alertCount: next.alertCount,
    escalationLevel: next.escalationLevel,
    assignments: next.assigneeIds.map((userId) => ({ userId, at: kept.get(userId) ?? now.toISOString() })),
    acknowledgements: next.status === 'acknowledged' ? row.acknowledgements : [],
    lastStatusChangeAt: next.lastStatusChangeAt,
    acknowledgedAt: next.acknowledgedAt,
    resolvedAt: next.resolvedAt,
    snoozedUntil: next.snoozedUntil,
    mergedInto: next.mergedInto,
  };
}
