import type { AcceptedEvent } from '@klaxon/contracts';
import type { changeEvents } from '../db';
import { contextsOf, customDetailsOf } from './event-alert';

// Date.parse does not take "+0000" (PagerDuty's own examples use it); ingest validated the rest.
const normalizeOffset = (v: string): string => v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');

/** When the change happened: the sender's payload.timestamp, else when the event was received. */
function occurredAt(event: AcceptedEvent, receivedAt: Date): Date {
  const sent = event.payload?.timestamp;
  const ms = sent ? Date.parse(normalizeOffset(sent)) : Number.NaN;
  return Number.isNaN(ms) ? receivedAt : new Date(ms);
}

/**
 * The stored row of a change event. Change events never become alerts: they are kept as context for
 * the service's incidents. Its id is the message id, so a replay cannot store it twice.
 */
export function changeEventValues(event: AcceptedEvent, receivedAt: Date): typeof changeEvents.$inferInsert {
  const contexts = contextsOf(event);
  return {
    id: event.id,
    integrationId: event.integrationId,
    serviceId: event.serviceId,
    summary: event.payload?.summary ?? '',
    source: event.payload?.source ?? '',
    occurredAt: occurredAt(event, receivedAt),
    customDetails: customDetailsOf(event),
    links: contexts.flatMap((c) => (c.type === 'link' ? [c] : [])),
    images: contexts.flatMap((c) => (c.type === 'image' ? [c] : [])),
    receivedAt,
  };
}
