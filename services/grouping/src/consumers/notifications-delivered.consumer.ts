import type { Decoded, Outcome } from '@klaxon/bus';
import type { NotificationDelivered } from '@klaxon/contracts';

/**
 * Logs a partition's batch of notifications.delivered on their incidents in one transaction. A
 * failure is a retry: the bus then logs the messages one at a time.
 */
export function notificationsDeliveredConsumer(deps: {
  apply: (messages: NotificationDelivered[]) => Promise<number>;
  log: { debug: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}) {
  return async (batch: Decoded<NotificationDelivered>[]): Promise<Outcome> => {
    const first = batch[0]?.raw;
    const where = { topic: first?.topic, partition: first?.partition, offset: first?.offset, size: batch.length };
    try {
      const written = await deps.apply(batch.map((d) => d.message));
      deps.log.debug({ ...where, written }, 'notifications_logged');
      return 'ok';
    } catch (err) {
      deps.log.warn({ err, ...where }, 'notifications_log_failed');
      // The bus judges the error: a transient one (database away) is retried until it passes, any other
      // is set aside as a dead letter after a few quick attempts instead of holding the partition.
      throw err;
    }
  };
}
