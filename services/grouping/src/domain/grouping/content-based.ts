/**
 * Content-based grouping: an alert joins the most recent open incident holding an alert whose chosen
 * fields match exactly — every field (`all`) or at least one (`any`) — while that incident's rolling
 * window is open (extended by each grouped alert, capped at 24 h from its start). A field missing on
 * either side never counts as a match.
 */
import { type AlertContent, fieldValue } from '../alert-content';
import type { Aggregate, GroupingPolicy } from './policy';
import { byMostRecent, type CandidateIncident, type GroupingDecision, type GroupingInput, isOpen } from './strategy';
import { extendWindow, inRollingWindow, openWindow, rollingWindowEnd } from './window';

type ContentPolicy = Extract<GroupingPolicy, { type: 'content_based' }>;

export function contentMatches(
  a: AlertContent,
  b: AlertContent,
  fields: readonly string[],
  aggregate: Aggregate,
): boolean {
  const equal = (field: string) => {
    const va = fieldValue(a, field);
    return va !== undefined && va === fieldValue(b, field);
  };
  return aggregate === 'all' ? fields.every(equal) : fields.some(equal);
}

/** Open incidents whose rolling window is still open, most recently grouped first. */
export function rollingCandidates(input: GroupingInput, timeWindowSeconds: number): CandidateIncident[] {
  return input.incidents
    .filter(isOpen)
    .filter((i) => i.window !== null && inRollingWindow(i.window, timeWindowSeconds, input.now))
    .sort(byMostRecent);
}

export function contentCandidates(
  input: GroupingInput,
  policy: { fields: readonly string[]; aggregate: Aggregate; timeWindowSeconds: number },
): CandidateIncident[] {
  return rollingCandidates(input, policy.timeWindowSeconds).filter((i) =>
    i.alerts.some((a) => contentMatches(input.alert, a, policy.fields, policy.aggregate)),
  );
}

export function joinRolling(
  target: CandidateIncident,
  input: GroupingInput,
  timeWindowSeconds: number,
  score?: number,
) {
  const window = extendWindow(target.window ?? openWindow(input.now), input.now);
  const decision: GroupingDecision = {
    join: target.id,
    window,
    windowEndsAt: rollingWindowEnd(window, timeWindowSeconds),
  };
  return score === undefined ? decision : { ...decision, score };
}

export function openRolling(input: GroupingInput, timeWindowSeconds: number, score?: number): GroupingDecision {
  const window = openWindow(input.now);
  const decision: GroupingDecision = { open: true, window, windowEndsAt: rollingWindowEnd(window, timeWindowSeconds) };
  return score === undefined ? decision : { ...decision, score };
}

export function groupByContent(input: GroupingInput, policy: ContentPolicy): GroupingDecision {
  const target = contentCandidates(input, policy)[0];
  return target ? joinRolling(target, input, policy.timeWindowSeconds) : openRolling(input, policy.timeWindowSeconds);
}
