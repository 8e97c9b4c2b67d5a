import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  type AcceptedEventSchema,
  EventAction,
  EventSource,
  RoutingStatus,
  timestampFromDate,
} from '@klaxon/contracts';
import type { EventDraft } from './event-draft';
import type { Route } from './routing-table';

const ACTION: Record<EventDraft['action'], EventAction> = {
  trigger: EventAction.TRIGGER,
  acknowledge: EventAction.ACKNOWLEDGE,
  resolve: EventAction.RESOLVE,
  change: EventAction.CHANGE,
};

const STATUS: Record<Route['status'], RoutingStatus> = {
  active: RoutingStatus.ACTIVE,
  disabled: RoutingStatus.DISABLED,
  maintenance: RoutingStatus.MAINTENANCE,
};

/** PagerDuty generates 32 hex characters for a trigger that came without a dedup key. */
export const generateDedupKey = (): string => randomUUID().replaceAll('-', '');

/** The normalized events.accepted message for a validated, routed event. */
export function acceptedEvent(
  draft: EventDraft,
  route: Route,
  ids: { id: string; dedupKey: string; receivedAt: Date; sourceApi: EventSource },
): MessageInitShape<typeof AcceptedEventSchema> {
  return {
    id: ids.id,
    receivedAt: timestampFromDate(ids.receivedAt),
    integrationId: route.integrationId,
    serviceId: route.serviceId,
    routingStatus: STATUS[route.status],
    action: ACTION[draft.action],
    dedupKey: ids.dedupKey,
    payload: draft.payload,
    images: draft.images,
    links: draft.links,
    client: draft.client,
    clientUrl: draft.clientUrl,
    sourceApi: ids.sourceApi,
  };
}

export { EventSource };
