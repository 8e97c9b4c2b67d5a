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

/** The notifications.delivered message of an attempt's final outcome (grouping logs it as notify_log_entry). */
export function deliveredMessage(f: DeliveredFacts, at: Date): OutboxMessage {
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
