import type { Decoded, Outcome } from '@klaxon/bus';
import type { IncidentAssignmentCommand } from '@klaxon/contracts';
import type { CommandResult } from '../incidents/assignment-commands';

/**
 * Applies a partition's batch of escalation's commands (incidents.assignments) together. A stale
 * command (the incident moved on) is dropped; a failure is a retry, and the bus then applies the
 * batch's commands one at a time.
 */
export function incidentAssignmentsConsumer(deps: {
  apply: (commands: IncidentAssignmentCommand[]) => Promise<CommandResult[]>;
  published: () => void;
  log: { debug: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}) {
  return async (batch: Decoded<IncidentAssignmentCommand>[]): Promise<Outcome | Outcome[]> => {
    const first = batch[0]?.raw;
    const where = { topic: first?.topic, partition: first?.partition, offset: first?.offset, size: batch.length };
    try {
      const results = await deps.apply(batch.map((d) => d.message));
      deps.published();
      deps.log.debug(where, 'assignment_commands_applied');
      return results.map((r) => (r === 'applied' || r === 'duplicate' ? 'ok' : 'drop'));
    } catch (err) {
      deps.log.warn({ err, ...where }, 'assignment_commands_failed');
      // The bus judges the error: a transient one (database away) is retried until it passes, any other
      // is set aside as a dead letter after a few quick attempts instead of holding the partition.
      throw err;
    }
  };
}
