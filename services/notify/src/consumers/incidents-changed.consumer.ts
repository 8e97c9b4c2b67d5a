import type { Decoded, Outcome } from '@klaxon/bus';
import type { IncidentChanged } from '@klaxon/contracts';

/**
 * Applies a partition's batch of incidents.changed in one transaction (incident state, cancelled
 * rules, queued webhooks). A snapshot that is not JSON never will be (dead letter); other failures retry.
 */
export function incidentsChangedConsumer(deps: {
  apply: (changes: IncidentChanged[]) => Promise<{ cancelled: number; posts: number }>;
  queued: () => void;
  log: { debug: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}) {
  return async (batch: Decoded<IncidentChanged>[]): Promise<Outcome> => {
    const first = batch[0]?.raw;
    const where = { topic: first?.topic, partition: first?.partition, offset: first?.offset, size: batch.length };
    try {
      const result = await deps.apply(batch.map((d) => d.message));
      if (result.posts > 0) deps.queued();
      deps.log.debug({ ...where, ...result }, 'incident_changes_applied');
      return 'ok';
    } catch (err) {
      deps.log.warn({ err, ...where }, 'incident_changes_failed');
      // A batch of one that cannot parse will never parse; a bigger batch is retried one by one.
      if (err instanceof SyntaxError && batch.length === 1) return 'dead-letter';
      // The bus judges the error: a transient one (database away) is retried until it passes, any other
      // is set aside as a dead letter after a few quick attempts instead of holding the partition.
      throw err;
    }
  };
}
