import type { BusMessage, Outcome } from '@klaxon/bus';
import { type IncidentChanged, timestampDate } from '@klaxon/contracts';
import type { IncidentStateRow } from '../db';

const statuses = new Set(['triggered', 'acknowledged', 'resolved']);

/** The read-model row an incidents.changed message stands for, or undefined when it names no incident. */
export function incidentStateOf(message: IncidentChanged): IncidentStateRow | undefined {
  if (!message.incidentId || !message.serviceId || !statuses.has(message.status) || !message.occurredAt) return;
  return {
    incidentId: message.incidentId,
    serviceId: message.serviceId,
    integrationId: message.integrationId || null,
    status: message.status as IncidentStateRow['status'],
    version: Number(message.incidentVersion),
    occurredAt: timestampDate(message.occurredAt),
  };
}

/**
 * Keeps the catalog's incident read model (service status, open incidents per integration). A message
 * that names no incident is dropped; a failed write is retried (the bus holds the partition back).
 */
export function incidentsChangedConsumer(deps: {
  apply: (state: IncidentStateRow) => Promise<boolean>;
  log: { debug: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}) {
  return async (message: IncidentChanged, raw: BusMessage): Promise<Outcome> => {
    const state = incidentStateOf(message);
    const at = { incidentId: message.incidentId, topic: raw.topic, partition: raw.partition, offset: raw.offset };
    if (!state) {
      deps.log.warn(at, 'incident_change_unreadable');
      return 'drop';
    }
    try {
      const changed = await deps.apply(state);
      deps.log.debug({ ...at, status: state.status, changed }, 'incident_state_recorded');
      return 'ok';
    } catch (err) {
      deps.log.warn({ err, ...at }, 'incident_state_failed');
      return 'retry';
    }
  };
}
