import { type Decoded, isTransientError, type Outcome } from '@klaxon/bus';
import type { IncidentChanged } from '@klaxon/contracts';

/**
 * Runs escalation on a partition's batch of incidents.changed messages together. A failure (the
 * database away, a lost lock) is a retry: the bus then applies the batch's messages one at a time.
 */
export function incidentsChangedConsumer(deps: {
  apply: (changes: IncidentChanged[]) => Promise<number>;
  published: () => void;
  log: { debug: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}) {
  return async (batch: Decoded<IncidentChanged>[]): Promise<Outcome> => {
    const first = batch[0]?.raw;
    const where = { topic: first?.topic, partition: first?.partition, offset: first?.offset, size: batch.length };
    try {
      const queued = await deps.apply(batch.map((d) => d.message));
      if (queued > 0) deps.published();
      deps.log.debug({ ...where, queued }, 'incident_changes_applied');
      return 'ok';
    } catch (err) {
      deps.log.warn({ err, ...where }, 'incident_changes_failed');
      // The bus retries a transient error (database away) until it passes; only what is left may dead-letter.
      if (isTransientError(err)) throw err;
      return 'retry';
    }
  };
}
