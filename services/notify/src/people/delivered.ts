import { DeliveryOutcome, encode, timestampFromDate, topics } from '@klaxon/contracts';
import type { OutboxMessage } from '@klaxon/db';
import { newMessageId } from '@klaxon/ids';

export interface DeliveredFacts {
  requestId: string;
  incidentId: string;
  userId: string;
  serviceId: string;
  ruleId: string;
  contactMethodId: string;
  channel: string;
  address: string;
  ok: boolean;
  detail: string;
}

/**
 * The notifications.delivered messages of attempts' final outcomes (grouping logs each as a
 * notify_log_entry on its incident). An attempt without an incident (an on-call handoff) has no
 * log to go to and publishes nothing.
 */
export const deliveredMessages = (facts: readonly DeliveredFacts[], at: Date): OutboxMessage[] =>
  facts.filter((f) => f.incidentId !== '').map((f) => deliveredMessage(f, at));

function deliveredMessage(f: DeliveredFacts, at: Date): OutboxMessage {
  return encode(topics.notificationsDelivered, {
    id: newMessageId(at),
    requestId: f.requestId,
    incidentId: f.incidentId,
    userId: f.userId,
    contactMethodType: f.channel,
    outcome: f.ok ? DeliveryOutcome.DELIVERED : DeliveryOutcome.FAILED,
    detail: f.detail,
    deliveredAt: timestampFromDate(at),
    contactMethodId: f.contactMethodId,
    address: f.address,
    serviceId: f.serviceId,
    ruleId: f.ruleId.startsWith('direct:') ? '' : f.ruleId,
  });
}
