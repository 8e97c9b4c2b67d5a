import { type Decoded, isTransientError, type Outcome } from '@klaxon/bus';
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
      // The bus retries a transient error (database away) until it passes; only what is left may dead-letter.
      if (isTransientError(err)) throw err;
      return 'retry';
    }
  };
}
