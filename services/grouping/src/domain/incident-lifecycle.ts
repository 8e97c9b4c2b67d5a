/**
 * The incident state machine: triggered -> acknowledged -> resolved, with the side paths PagerDuty
 * has (unacknowledge by ack timeout, snooze, reassign, escalate, urgency change, merge, reopen).
 * Each action returns the new state, the changes to publish on incidents.changed (IncidentChangeKind
 * names) and the timers the service must arm or cancel; or a refusal with PagerDuty's error code.
 * Pure.
 *
 * Timers (durable, owned by the service):
 * - acknowledgement_timeout: armed on acknowledge, at ack + service.acknowledgement_timeout;
 *   firing returns an acknowledged incident to triggered (escalation starts again).
 * - auto_resolve: armed when the incident triggers, at trigger + service.auto_resolve_timeout
 *   ("automatically resolved if left open for that long"); acknowledging does not move it.
 * - snooze: armed by snooze; firing returns the incident to triggered. Snoozing replaces the ack
 *   timeout, which would otherwise wake the incident earlier than the responder asked.
 * Resolving cancels all three; reopening re-arms them as a new trigger (and acknowledge) would.
 * A timer that fires on an incident no longer in the state it was armed for changes nothing (timers
 * are at-least-once and may race a responder).
 */
import type { IncidentStatus } from './alert-content';
import { type LifecycleError, refusal } from './lifecycle-errors';
import type { Urgency } from './urgency';

export type ChangeKind =
  | 'triggered'
  | 'acknowledged'
  | 'escalated'
  | 'reassigned'
  | 'resolved'
  | 'merged'
  | 'urgency'
  | 'unacknowledged'
  | 'delegated';

export type TimerKind = 'acknowledgement_timeout' | 'auto_resolve' | 'snooze';
export type TimerCommand = { kind: TimerKind; arm: Date } | { kind: TimerKind; cancel: true };

export interface ServiceTimeouts {
  /** Seconds; null or 0 = none. */
  acknowledgementTimeout: number | null;
  /** Seconds; null or 0 = none. */
  autoResolveTimeout: number | null;
}

export interface IncidentState {
  id: string;
  status: IncidentStatus;
  title: string;
  urgency: Urgency;
  /** Every alert the incident holds, open or resolved (the merge limit counts them all). */
  alertCount: number;
  escalationLevel: number;
  assigneeIds: string[];
  createdAt: Date;
  lastStatusChangeAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  snoozedUntil: Date | null;
  /** Set when the incident was resolved by merging into another. */
  mergedInto: string | null;
}

export interface Transition {
  ok: true;
  incident: IncidentState;
  changes: ChangeKind[];
  timers: TimerCommand[];
}

export type LifecycleResult = Transition | { ok: false; error: LifecycleError };

/** PagerDuty's limits: snooze 1 s .. 7 days; 1000 alerts per incident. */
export const MAX_SNOOZE_SECONDS = 604_800;
export const MAX_ALERTS_PER_INCIDENT = 1000;

const after = (now: Date, s: number) => new Date(now.getTime() + s * 1000);
const enabled = (s: number | null): s is number => s !== null && s > 0;
const ok = (incident: IncidentState, changes: ChangeKind[], timers: TimerCommand[] = []): Transition => ({
  ok: true,
  incident,
  changes,
  timers,
});
const unchanged = (incident: IncidentState) => ok(incident, []);

export function openIncident(input: {
  id: string;
  /** The first alert's summary: an incident keeps its first alert's title. */
  title: string;
  urgency: Urgency;
  assigneeIds: string[];
  now: Date;
  timeouts: ServiceTimeouts;
}): Transition {
  const { now, timeouts } = input;
  const incident: IncidentState = {
    id: input.id,
    status: 'triggered',
    title: input.title,
    urgency: input.urgency,
    alertCount: 1,
    escalationLevel: 1,
    assigneeIds: input.assigneeIds,
    createdAt: now,
    lastStatusChangeAt: now,
    acknowledgedAt: null,
    resolvedAt: null,
    snoozedUntil: null,
    mergedInto: null,
  };
  const timers: TimerCommand[] = enabled(timeouts.autoResolveTimeout)
    ? [{ kind: 'auto_resolve', arm: after(now, timeouts.autoResolveTimeout) }]
    : [];
  return ok(incident, ['triggered'], timers);
}

export function acknowledge(incident: IncidentState, now: Date, timeouts: ServiceTimeouts): LifecycleResult {
  if (incident.status === 'resolved') return refusal(1001);
  if (incident.status === 'acknowledged') return refusal(1002);
  const timers: TimerCommand[] = enabled(timeouts.acknowledgementTimeout)
    ? [{ kind: 'acknowledgement_timeout', arm: after(now, timeouts.acknowledgementTimeout) }]
    : [];
  const next = { ...incident, status: 'acknowledged' as const, acknowledgedAt: now, lastStatusChangeAt: now };
  return ok(next, ['acknowledged'], timers);
}

/** Back to triggered: the ack timeout or a snooze elapsed, or a responder set status triggered. */
export function unacknowledge(incident: IncidentState, now: Date): LifecycleResult {
  if (incident.status === 'resolved') return refusal(1001);
  if (incident.status === 'triggered') return unchanged(incident);
  const next = {
    ...incident,
    status: 'triggered' as const,
    acknowledgedAt: null,
    snoozedUntil: null,
    lastStatusChangeAt: now,
  };
  const timers: TimerCommand[] = [
    { kind: 'acknowledgement_timeout', cancel: true },
    { kind: 'snooze', cancel: true },
  ];
  return ok(next, ['unacknowledged'], timers);
}

export function resolve(incident: IncidentState, now: Date, mergedInto: string | null = null): LifecycleResult {
  if (incident.status === 'resolved') return refusal(1001);
  const next = {
    ...incident,
    status: 'resolved' as const,
    resolvedAt: now,
    lastStatusChangeAt: now,
    snoozedUntil: null,
  };
  const timers: TimerCommand[] = (['acknowledgement_timeout', 'auto_resolve', 'snooze'] as const).map((kind) => ({
    kind,
    cancel: true,
  }));
  return ok({ ...next, assigneeIds: [], mergedInto }, mergedInto ? ['resolved', 'merged'] : ['resolved'], timers);
}

/**
 * A responder sets a resolved incident back to triggered or acknowledged (REST only: events never
 * reopen). It starts over as a new trigger would: escalation from level 1, auto-resolve armed from
 * now, and the ack timeout too when it reopens acknowledged. An incident resolved by a merge stays
 * closed: its alerts live on the target now. An open incident has nothing to reopen.
 */
export function reopen(
  incident: IncidentState,
  status: 'triggered' | 'acknowledged',
  now: Date,
  timeouts: ServiceTimeouts,
): LifecycleResult {
  if (incident.mergedInto) return refusal(1019, `Incident ${incident.id} was merged into ${incident.mergedInto}.`);
  if (incident.status !== 'resolved') return unchanged(incident);
  const acknowledged = status === 'acknowledged';
  const next: IncidentState = {
    ...incident,
    status,
    escalationLevel: 1,
    resolvedAt: null,
    acknowledgedAt: acknowledged ? now : null,
    snoozedUntil: null,
    lastStatusChangeAt: now,
  };
  const timers: TimerCommand[] = [];
  if (enabled(timeouts.autoResolveTimeout)) {
    timers.push({ kind: 'auto_resolve', arm: after(now, timeouts.autoResolveTimeout) });
  }
  if (acknowledged && enabled(timeouts.acknowledgementTimeout)) {
    timers.push({ kind: 'acknowledgement_timeout', arm: after(now, timeouts.acknowledgementTimeout) });
  }
  return ok(next, [acknowledged ? 'acknowledged' : 'triggered'], timers);
}

/** After an alert resolved: the incident resolves when none of its alerts is still open. */
export function alertsResolved(incident: IncidentState, openAlerts: number, now: Date): LifecycleResult {
  return openAlerts === 0 && incident.status !== 'resolved' ? resolve(incident, now) : unchanged(incident);
}

export function snooze(incident: IncidentState, durationSeconds: number, now: Date): LifecycleResult {
  if (incident.status === 'resolved') return refusal(1001);
  if (incident.status !== 'acknowledged') return refusal(1012);
  if (!Number.isInteger(durationSeconds) || durationSeconds < 1 || durationSeconds > MAX_SNOOZE_SECONDS) {
    return refusal(1013, `Snooze duration must be between 1 and ${MAX_SNOOZE_SECONDS} seconds.`);
  }
  const until = after(now, durationSeconds);
  const timers: TimerCommand[] = [
    { kind: 'acknowledgement_timeout', cancel: true },
    { kind: 'snooze', arm: until },
  ];
  return ok({ ...incident, snoozedUntil: until }, [], timers);
}

export function reassign(incident: IncidentState, assigneeIds: string[], now: Date): LifecycleResult {
  if (incident.status === 'resolved') return refusal(1001);
  if (assigneeIds.length === 0) return refusal(2001, 'Assignments cannot be empty.');
  // A reassignment un-acknowledges: the new assignee must see the incident as triggered.
  const next = {
    ...incident,
    assigneeIds,
    status: 'triggered' as const,
    acknowledgedAt: null,
    lastStatusChangeAt: now,
  };
  const changes: ChangeKind[] = incident.status === 'acknowledged' ? ['reassigned', 'unacknowledged'] : ['reassigned'];
  return ok(next, changes, [{ kind: 'acknowledgement_timeout', cancel: true }]);
}

/**
 * Delegate to another escalation policy: back to triggered at its level 1 with nobody assigned yet;
 * escalation assigns whoever that level reaches, as on a new trigger.
 */
export function delegate(incident: IncidentState, now: Date): LifecycleResult {
  if (incident.status === 'resolved') return refusal(1001);
  const next = {
    ...incident,
    escalationLevel: 1,
    assigneeIds: [],
    status: 'triggered' as const,
    acknowledgedAt: null,
    lastStatusChangeAt: now,
  };
  const changes: ChangeKind[] = incident.status === 'acknowledged' ? ['delegated', 'unacknowledged'] : ['delegated'];
  return ok(next, changes, [{ kind: 'acknowledgement_timeout', cancel: true }]);
}

/** Escalate to `level` (1-based) of an escalation policy with `levels` rules. */
export function escalate(incident: IncidentState, level: number, levels: number, now: Date): LifecycleResult {
  if (incident.status === 'resolved') return refusal(1001);
  if (!Number.isInteger(level) || level < 1 || level > levels)
    return refusal(1006, `Escalation level ${level} does not exist.`);
  const next = {
    ...incident,
    escalationLevel: level,
    status: 'triggered' as const,
    acknowledgedAt: null,
    lastStatusChangeAt: now,
  };
  return ok(next, ['escalated'], [{ kind: 'acknowledgement_timeout', cancel: true }]);
}

export function changeUrgency(incident: IncidentState, urgency: Urgency): LifecycleResult {
  if (incident.status === 'resolved') return refusal(1001);
  return incident.urgency === urgency ? unchanged(incident) : ok({ ...incident, urgency }, ['urgency']);
}

/** A durable timer fired. Stale timers (the incident moved on) change nothing. */
export function fireTimer(incident: IncidentState, kind: TimerKind, now: Date): LifecycleResult {
  if (incident.status === 'resolved') return unchanged(incident);
  switch (kind) {
    case 'auto_resolve':
      return resolve(incident, now);
    case 'acknowledgement_timeout':
      return incident.status === 'acknowledged' && !incident.snoozedUntil
        ? unacknowledge(incident, now)
        : unchanged(incident);
    case 'snooze':
      return incident.snoozedUntil && incident.snoozedUntil.getTime() <= now.getTime()
        ? unacknowledge(incident, now)
        : unchanged(incident);
  }
}

/**
 * Merge sources into target: the sources' alerts move to the target and each source is resolved with
 * a merge reason. Refused whole (nothing merged) when any part is invalid.
 */
export function merge(
  target: IncidentState,
  sources: readonly IncidentState[],
  now: Date,
): { ok: true; target: Transition; sources: Transition[] } | { ok: false; error: LifecycleError } {
  if (target.mergedInto) return refusal(1019, `Incident ${target.id} was merged into ${target.mergedInto}.`);
  if (target.status === 'resolved') return refusal(1001, 'The target incident must be open.');
  if (sources.length === 0) return refusal(2001, 'source_incidents cannot be empty.');
  const merged = sources.find((s) => s.mergedInto);
  if (merged) return refusal(1019, `Incident ${merged.id} was already merged.`);
  if (sources.some((s) => s.id === target.id)) return refusal(2001, 'An incident cannot be merged into itself.');
  const total = sources.reduce((n, s) => n + s.alertCount, target.alertCount);
  if (total > MAX_ALERTS_PER_INCIDENT) {
    return refusal(2001, `An incident cannot hold more than ${MAX_ALERTS_PER_INCIDENT} alerts.`);
  }
  const resolvedSources: Transition[] = [];
  for (const source of sources) {
    const moved = { ...source, alertCount: 0 };
    // A resolved source (not merged) is allowed: PagerDuty merges resolved incidents' alerts too.
    const result =
      source.status === 'resolved'
        ? ok({ ...moved, mergedInto: target.id }, ['merged'])
        : resolve(moved, now, target.id);
    if (!result.ok) return result;
    resolvedSources.push(result);
  }
  return { ok: true, target: ok({ ...target, alertCount: total }, ['merged']), sources: resolvedSources };
}

/** Whether grouping may add an alert to the incident: not resolved and not full (see addAlert). */
export const canAddAlert = (incident: Pick<IncidentState, 'status' | 'alertCount'>) =>
  incident.status !== 'resolved' && incident.alertCount < MAX_ALERTS_PER_INCIDENT;

/** An alert joined the incident by grouping. */
export function addAlert(incident: IncidentState): LifecycleResult {
  if (incident.status === 'resolved') return refusal(1001);
  if (incident.alertCount >= MAX_ALERTS_PER_INCIDENT) return refusal(2001, 'The incident is full.');
  return ok({ ...incident, alertCount: incident.alertCount + 1 }, []);
}
