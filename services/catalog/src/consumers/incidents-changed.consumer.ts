import type { Decoded, Outcome } from '@klaxon/bus';
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
 * Keeps the catalog's incident read model (service status, open incidents per integration) from a
 * partition's batch of messages, in one transaction. A message that names no incident is dropped; a
 * failed write is retried (the bus then applies the batch's messages one at a time).
 */
export function incidentsChangedConsumer(deps: {
  apply: (states: IncidentStateRow[]) => Promise<number>;
  log: { debug: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}) {
  return async (batch: Decoded<IncidentChanged>[]): Promise<Outcome[] | Outcome> => {
    const states = batch.map((d) => incidentStateOf(d.message));
    const first = batch[0]?.raw;
    const at = { topic: first?.topic, partition: first?.partition, offset: first?.offset, size: batch.length };
    for (const [i, d] of batch.entries()) {
      if (!states[i])
        deps.log.warn({ ...at, incidentId: d.message.incidentId, offset: d.raw.offset }, 'incident_change_unreadable');
    }
    try {
      const changed = await deps.apply(states.filter((s): s is IncidentStateRow => s !== undefined));
      deps.log.debug({ ...at, changed }, 'incident_states_recorded');
      return states.map((s) => (s ? 'ok' : 'drop'));
    } catch (err) {
      deps.log.warn({ err, ...at }, 'incident_state_failed');
      // The bus judges the error: a transient one (database away) is retried until it passes, any other
      // is set aside as a dead letter after a few quick attempts instead of holding the partition.
      throw err;
    }
  };
}
