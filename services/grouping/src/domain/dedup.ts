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
 * - a disabled service or one in maintenance creates no incidents, and open alerts cannot be
 *   acknowledged or resolved through the Events API meanwhile. A trigger to a disabled service is
 *   dropped (PagerDuty drops them); a new trigger during maintenance is recorded as a suppressed
 *   alert that is stored already resolved, so it never deduplicates: once the window ends, the same
 *   key pages. Open alerts are therefore never suppressed.
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
      if (active) return open ? { kind: 'update-existing-alert', alertId: open.alertId } : { kind: 'new-alert' };
      // A repeat for an alert with an incident while the service is off changes nothing.
      return event.routingStatus === 'maintenance' && !open ? { kind: 'suppressed' } : inactive();
    case 'acknowledge':
      if (!open) return { kind: 'drop', reason: 'no-open-alert' };
      return active ? { kind: 'acknowledge-alert', alertId: open.alertId } : inactive();
    case 'resolve':
      if (!open) return { kind: 'drop', reason: 'no-open-alert' };
      return active ? { kind: 'resolve-alert', alertId: open.alertId } : inactive();
  }
}

function inactive(): DedupDecision {
  return { kind: 'drop', reason: 'service-not-active' };
}
