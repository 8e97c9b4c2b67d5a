import { DeliveryOutcome, type NotificationDelivered } from '@klaxon/contracts';
import { claimMessages, type Database, insertMany } from '@klaxon/db';
import { newRecordId } from '@klaxon/ids';
import { inArray } from 'drizzle-orm';
import { inbox, incidents, logEntries } from '../db';
import { logEntryValues } from './commit';

const dateOf = (m: NotificationDelivered, fallback: Date) =>
  m.deliveredAt ? new Date(Number(m.deliveredAt.seconds) * 1000 + Math.floor(m.deliveredAt.nanos / 1e6)) : fallback;

/**
 * Writes one `notify` log entry per notifications.delivered, for a whole batch in one transaction:
 * PagerDuty's notify_log_entry with the user notified and `channel.notification` (type, address,
 * status); a failure says what failed in the channel's summary. The inbox leaves out redelivered
 * messages. Returns how many entries were written.
 */
export async function logNotifications(
  db: Database,
  messages: readonly NotificationDelivered[],
  now: Date,
): Promise<number> {
  return db.transaction(async (tx) => {
    const todo = await claimMessages(tx, inbox, messages);
    if (todo.length === 0) return 0;
    // Older producers did not carry the service: the incident row has it.
    const missing = [...new Set(todo.filter((m) => m.serviceId === '').map((m) => m.incidentId))];
    const serviceOf = new Map(
      missing.length > 0
        ? (
            await tx
              .select({ id: incidents.id, serviceId: incidents.serviceId })
              .from(incidents)
              .where(inArray(incidents.id, missing))
          ).map((r) => [r.id, r.serviceId])
        : [],
    );
    const rows = todo.flatMap((m) => {
      const serviceId = m.serviceId || serviceOf.get(m.incidentId);
      if (!serviceId) return [];
      const delivered = m.outcome === DeliveryOutcome.DELIVERED;
      const type = m.contactMethodType || 'unknown';
      return [
        logEntryValues(newRecordId(), {
          type: 'notify',
          incidentId: m.incidentId,
          serviceId,
          cause: {
            actor: null,
            channel: {
              type,
              summary: delivered ? `Notified by ${type}` : `Notification by ${type} failed: ${m.detail}`,
              notification: { type, address: m.address, status: delivered ? 'delivered' : 'failed' },
              details: m.detail,
            },
          },
          at: dateOf(m, now),
          extra: { user: { id: m.userId, type: 'user_reference' } },
        }),
      ];
    });
    await insertMany(tx, logEntries, rows);
    return rows.length;
  });
}
