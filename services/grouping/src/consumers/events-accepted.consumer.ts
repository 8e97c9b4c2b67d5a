import type { BusMessage, Outcome } from '@klaxon/bus';
import type { AcceptedEvent } from '@klaxon/contracts';
import type { EventResult } from '../incidents/apply-event';

/** Applies each events.accepted message; a failure (database, a lost race on a key) is retried. */
export function eventsAcceptedConsumer(deps: {
  apply: (event: AcceptedEvent) => Promise<EventResult>;
  published: () => void;
  log: { debug: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}) {
  return async (event: AcceptedEvent, raw: BusMessage): Promise<Outcome> => {
    try {
      const result = await deps.apply(event);
      deps.published();
      deps.log.debug({ eventId: event.id, result, partition: raw.partition, offset: raw.offset }, 'event_applied');
      return result === 'unknown-action' ? 'drop' : 'ok';
    } catch (err) {
      deps.log.warn({ err, eventId: event.id, topic: raw.topic, offset: raw.offset }, 'event_apply_failed');
      return 'retry';
    }
  };
}
