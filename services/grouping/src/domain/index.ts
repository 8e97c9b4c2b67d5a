/**
 * The grouping service's pure domain: what the consumers, routes and timers call. No I/O; time is
 * passed in. See each module's header for the rules it keeps.
 */
export { type AlertContent, fieldValue, type IncidentStatus, isGroupingField } from './alert-content';
export { type DedupDecision, type DedupEvent, decideDedup, type ExistingAlert } from './dedup';
export { decideGrouping, modelFields } from './grouping';
export {
  type AlertGroupingParameters,
  type GroupingPolicy,
  groupingPolicy,
  recommendedTimeWindow,
  usesRecommendedWindow,
} from './grouping/policy';
export type { CandidateIncident, GroupingDecision, GroupingInput } from './grouping/strategy';
export { type GroupingWindow, rollingWindowEnd } from './grouping/window';
export * as lifecycle from './incident-lifecycle';
export { learnMerge, learnSplit, observeAlert } from './intelligent/feedback';
export { createModel, type IntelligentModelState, parseModel } from './intelligent/model-state';
export { LIFECYCLE_ERRORS, type LifecycleError } from './lifecycle-errors';
export { findPriority, type Priority, priorities } from './priorities';
export { type IncidentUrgencyRule, incidentUrgency, inSupportHours, type SupportHours, type Urgency } from './urgency';
