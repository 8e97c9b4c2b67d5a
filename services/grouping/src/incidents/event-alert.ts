import { type AcceptedEvent, EventAction, EventSource, RoutingStatus } from '@klaxon/contracts';
import type { Actor, AlertContext, alerts, LogChannel } from '../db';
import type { AlertContent, DedupEvent } from '../domain';
import type { Cause } from './commit';

const ACTIONS: Partial<Record<EventAction, DedupEvent['action']>> = {
  [EventAction.TRIGGER]: 'trigger',
  [EventAction.ACKNOWLEDGE]: 'acknowledge',
  [EventAction.RESOLVE]: 'resolve',
  [EventAction.CHANGE]: 'change',
};

const ROUTING: Record<RoutingStatus, DedupEvent['routingStatus']> = {
  // Ingest always sets it; an unset status is treated as active rather than silently suppressing.
  [RoutingStatus.UNSPECIFIED]: 'active',
  [RoutingStatus.ACTIVE]: 'active',
  [RoutingStatus.DISABLED]: 'disabled',
  [RoutingStatus.MAINTENANCE]: 'maintenance',
};

/** The dedup input of an accepted event, or undefined for an action this version does not know. */
export function dedupEventOf(event: AcceptedEvent): DedupEvent | undefined {
  const action = ACTIONS[event.action];
  if (!action) return undefined;
  return {
    action,
    dedupKey: event.dedupKey,
    integrationId: event.integrationId,
    routingStatus: ROUTING[event.routingStatus] ?? 'active',
  };
}

export function customDetailsOf(event: AcceptedEvent): Record<string, unknown> | null {
  const json = event.payload?.customDetailsJson;
  if (!json) return null;
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return null;
  }
}

export function contentOfEvent(event: AcceptedEvent, details: Record<string, unknown> | null): AlertContent {
  const p = event.payload;
  return {
    summary: p?.summary ?? '',
    source: p?.source ?? '',
    severity: p?.severity || 'critical',
    ...(p?.component ? { component: p.component } : {}),
    ...(p?.group ? { group: p.group } : {}),
    ...(p?.class ? { class: p.class } : {}),
    ...(details ? { customDetails: details } : {}),
  };
}

export function contextsOf(event: AcceptedEvent): AlertContext[] {
  return [
    ...event.links.map((l) => ({ type: 'link' as const, href: l.href, ...(l.text ? { text: l.text } : {}) })),
    ...event.images.map((i) => ({
      type: 'image' as const,
      src: i.src,
      ...(i.href ? { href: i.href } : {}),
      ...(i.alt ? { alt: i.alt } : {}),
    })),
  ];
}

/** The integration that sent the event, as the log entries' agent. */
export function integrationActor(event: AcceptedEvent): Actor {
  const refType =
    event.sourceApi === EventSource.EVENTS_V1
      ? 'generic_events_api_inbound_integration_reference'
      : 'events_api_v2_inbound_integration_reference';
  return { type: 'integration', id: event.integrationId, refType };
}

/** Agent and channel of the log entries an event writes; triggers carry the event's details. */
export function eventCause(event: AcceptedEvent, alertId: string | null, content?: AlertContent): Cause {
  const channel: LogChannel = content
    ? {
        type: 'api',
        summary: content.summary,
        details: content.customDetails ?? {},
        cef_details: {
          ...content,
          dedup_key: event.dedupKey,
          client: event.client,
          client_url: event.clientUrl,
          timestamp: event.payload?.timestamp || null,
        },
      }
    : { type: 'api' };
  return { actor: integrationActor(event), channel, alertId };
}

/**
 * The stored row of a new alert from an event (its incident set when known). A suppressed alert (a
 * trigger during maintenance) is stored resolved: it is a record, never an open alert that dedup
 * would match, so the key pages once the window ends.
 */
export function alertValues(
  event: AcceptedEvent,
  alert: {
    id: string;
    content: AlertContent;
    details: Record<string, unknown> | null;
    suppressed: boolean;
    at: Date;
    incidentId?: string;
    firstTriggerLogEntryId?: string;
  },
): typeof alerts.$inferInsert {
  const { content } = alert;
  return {
    id: alert.id,
    incidentId: alert.incidentId ?? null,
    integrationId: event.integrationId,
    serviceId: event.serviceId,
    alertKey: event.dedupKey,
    status: alert.suppressed ? 'resolved' : 'triggered',
    resolvedAt: alert.suppressed ? alert.at : null,
    suppressed: alert.suppressed,
    severity: content.severity,
    summary: content.summary,
    source: content.source,
    component: content.component ?? null,
    group: content.group ?? null,
    class: content.class ?? null,
    customDetails: alert.details,
    contexts: contextsOf(event),
    client: event.client || null,
    clientUrl: event.clientUrl || null,
    eventTimestamp: event.payload?.timestamp || null,
    firstTriggerLogEntryId: alert.firstTriggerLogEntryId ?? null,
    createdAt: alert.at,
  };
}
