/**
 * Dedup, the first step for every event on events.accepted (contract a): decides what the event does
 * to alerts before grouping ever sees it. Only a `new-alert` goes on to grouping.
 *
 * Invariants:
 * - an alert is identified by (integrationId, dedupKey): keys are never shared across integrations,
 *   so the caller looks the open alert up by both and this function re-checks it;
 * - only an OPEN (triggered) alert deduplicates; after resolve the same key opens a new alert;
 * - acknowledge/resolve with no open alert is dropped silently (the sender already got 202);
 * - change events never create alerts (the service keeps them as context elsewhere);
 * - a disabled service or one in maintenance creates no incidents: a trigger is recorded as a
 *   suppressed alert, and open alerts cannot be acknowledged or resolved through the Events API.
 */

export type EventAction = 'trigger' | 'acknowledge' | 'resolve' | 'change';
export type RoutingStatus = 'active' | 'disabled' | 'maintenance';

export interface DedupEvent {
  action: EventAction;
  dedupKey: string;
  integrationId: string;
  routingStatus: RoutingStatus;
}

/** The alert stored under (integrationId, dedupKey), if any. */
export interface ExistingAlert {
  alertId: string;
  integrationId: string;
  dedupKey: string;
  status: 'triggered' | 'resolved';
  /** Suppressed alerts belong to no incident. */
  suppressed: boolean;
}

export type DropReason = 'no-open-alert' | 'change-event' | 'service-not-active';

export type DedupDecision =
  | { kind: 'new-alert' }
  | { kind: 'suppressed' }
  | { kind: 'update-existing-alert'; alertId: string }
  | { kind: 'acknowledge-alert'; alertId: string }
  | { kind: 'resolve-alert'; alertId: string }
  | { kind: 'drop'; reason: DropReason };

export function decideDedup(event: DedupEvent, existing: ExistingAlert | undefined): DedupDecision {
  if (event.action === 'change') return { kind: 'drop', reason: 'change-event' };
  const open =
    existing &&
    existing.status === 'triggered' &&
    existing.integrationId === event.integrationId &&
    existing.dedupKey === event.dedupKey
      ? existing
      : undefined;
  const active = event.routingStatus === 'active';

  switch (event.action) {
    case 'trigger':
      if (open)
        return active && !open.suppressed
          ? { kind: 'update-existing-alert', alertId: open.alertId }
          : suppressedRepeat(open);
      return active ? { kind: 'new-alert' } : { kind: 'suppressed' };
    case 'acknowledge':
      if (!open) return { kind: 'drop', reason: 'no-open-alert' };
      return active && !open.suppressed ? { kind: 'acknowledge-alert', alertId: open.alertId } : inactive();
    case 'resolve':
      if (!open) return { kind: 'drop', reason: 'no-open-alert' };
      // A suppressed alert may be resolved: it has no incident, so nothing escalates.
      if (open.suppressed) return { kind: 'resolve-alert', alertId: open.alertId };
      return active ? { kind: 'resolve-alert', alertId: open.alertId } : inactive();
  }
}

/**
 * A repeat trigger for an open suppressed alert updates that alert (it stays suppressed); a repeat for
 * an alert with an incident while the service is off changes nothing: the integration is switched off.
 */
function suppressedRepeat(open: ExistingAlert): DedupDecision {
  return open.suppressed ? { kind: 'update-existing-alert', alertId: open.alertId } : inactive();
}

function inactive(): DedupDecision {
  return { kind: 'drop', reason: 'service-not-active' };
}
