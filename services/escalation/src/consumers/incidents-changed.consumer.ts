import type { Decoded, Outcome } from '@klaxon/bus';
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
      // The bus judges the error: a transient one (database away) is retried until it passes, any other
      // is set aside as a dead letter after a few quick attempts instead of holding the partition.
      throw err;
    }
  };
}
