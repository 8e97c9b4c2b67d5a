import type { Decoded, Outcome } from '@klaxon/bus';
import type { NotificationRequested } from '@klaxon/contracts';

/**
 * Plans a partition's batch of notifications.requested in one transaction. A failure (database
 * away, a lost race on an attempt key) is a retry: the bus then plans the requests one at a time.
 */
export function notificationsRequestedConsumer(deps: {
  plan: (requests: NotificationRequested[]) => Promise<number>;
  planned: () => void;
  log: { debug: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}) {
  return async (batch: Decoded<NotificationRequested>[]): Promise<Outcome> => {
    const first = batch[0]?.raw;
    const where = { topic: first?.topic, partition: first?.partition, offset: first?.offset, size: batch.length };
    try {
      const attempts = await deps.plan(batch.map((d) => d.message));
      deps.planned();
      deps.log.debug({ ...where, attempts }, 'notifications_planned');
      return 'ok';
    } catch (err) {
      deps.log.warn({ err, ...where }, 'notifications_plan_failed');
      // The bus judges the error: a transient one (database away) is retried until it passes, any other
      // is set aside as a dead letter after a few quick attempts instead of holding the partition.
      throw err;
    }
  };
}
