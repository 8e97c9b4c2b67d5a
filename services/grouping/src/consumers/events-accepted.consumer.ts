import type { Decoded, Outcome } from '@klaxon/bus';
import type { AcceptedEvent } from '@klaxon/contracts';
import type { EventResult } from '../incidents/apply-event';

/**
 * Applies a partition's batch of events.accepted messages together. A failure (database, a lost race
 * on a key) is a retry: the bus then applies the batch's events one at a time.
 */
export function eventsAcceptedConsumer(deps: {
  apply: (events: AcceptedEvent[]) => Promise<EventResult[]>;
  published: () => void;
  log: { debug: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}) {
  return async (batch: Decoded<AcceptedEvent>[]): Promise<Outcome | Outcome[]> => {
    const first = batch[0]?.raw;
    const where = { topic: first?.topic, partition: first?.partition, offset: first?.offset, size: batch.length };
    try {
      const results = await deps.apply(batch.map((d) => d.message));
      deps.published();
      deps.log.debug(where, 'events_applied');
      return results.map((r) => (r === 'unknown-action' ? 'drop' : 'ok'));
    } catch (err) {
      deps.log.warn({ err, ...where }, 'events_apply_failed');
      // The bus judges the error: a transient one (database away) is retried until it passes, any other
      // is set aside as a dead letter after a few quick attempts instead of holding the partition.
      throw err;
    }
  };
}
