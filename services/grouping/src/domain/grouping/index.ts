/**
 * Grouping of a new alert into the service's open incidents, by the service's policy. Pure: the
 * caller loads the candidates (open incidents with their windows and recent alerts) and the model,
 * and stores the decision.
 */
import { groupByContent } from './content-based';
import { groupIntelligently } from './intelligent';
import type { GroupingPolicy } from './policy';
import type { GroupingDecision, GroupingInput } from './strategy';
import { groupByTime } from './time';

export function decideGrouping(policy: GroupingPolicy, input: GroupingInput): GroupingDecision {
  switch (policy.type) {
    case 'time':
      return groupByTime(input, policy);
    case 'content_based':
      return groupByContent(input, policy);
    case 'intelligent':
    case 'content_based_intelligent':
      return groupIntelligently(input, policy);
    default:
      // No grouping: every new alert opens its own incident, which takes no grouped alerts.
      return { open: true, window: null, windowEndsAt: null };
  }
}

/** The fields the intelligent model reads for this policy (for observeAlert / learnMerge). */
export function modelFields(policy: GroupingPolicy): string[] {
  return policy.type === 'intelligent' || policy.type === 'content_based_intelligent' ? policy.iagFields : ['summary'];
}
