import type { Executor } from '@klaxon/db';
import { and, eq } from 'drizzle-orm';
import { type WebhookSubscriptionRow, webhookSubscriptions } from '../db';

/** The subscriptions that receive events now: active and not disabled by repeated drops. */
export function liveSubscriptions(ex: Executor): Promise<WebhookSubscriptionRow[]> {
  return ex
    .select()
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.active, true), eq(webhookSubscriptions.temporarilyDisabled, false)));
}

/**
 * Whether a subscription takes an event of this type about this service: it lists the type, and its
 * filter is the account, the service, or one of the service's teams.
 */
export function subscriptionTakes(
  sub: WebhookSubscriptionRow,
  eventType: string,
  target: { serviceId: string; teamIds: readonly string[] },
): boolean {
  if (!sub.events.includes(eventType)) return false;
  if (sub.filterType === 'account_reference') return true;
  if (sub.filterType === 'service_reference') return sub.filterId === target.serviceId;
  return sub.filterType === 'team_reference' && target.teamIds.includes(sub.filterId ?? '');
}
