import type { ServiceSnapshot } from '../db';
import { type GroupingPolicy, groupingPolicy, type lifecycle } from '../domain';

/** A service's timeouts as the state machine takes them (seconds; 0 or null = none). */
export function timeoutsOf(service: ServiceSnapshot | undefined): lifecycle.ServiceTimeouts {
  const seconds = (v: unknown) => (typeof v === 'number' && v > 0 ? v : null);
  return {
    acknowledgementTimeout: seconds(service?.acknowledgement_timeout),
    autoResolveTimeout: seconds(service?.auto_resolve_timeout),
  };
}

/** The service's grouping policy from its `alert_grouping_parameters` (no grouping when absent). */
export function policyOf(service: ServiceSnapshot | undefined, recommendedTimeWindowSeconds?: number): GroupingPolicy {
  return groupingPolicy(service?.alert_grouping_parameters ?? null, {
    source: 'service',
    ...(recommendedTimeWindowSeconds ? { recommendedTimeWindowSeconds } : {}),
  });
}

export const isIntelligent = (policy: GroupingPolicy) =>
  policy.type === 'intelligent' || policy.type === 'content_based_intelligent';
