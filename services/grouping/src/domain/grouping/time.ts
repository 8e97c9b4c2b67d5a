/**
 * Time-based grouping: the first alert opens an incident and starts a fixed timer; every later alert
 * on the service joins that incident until the timer ends (or, with timeout 0, until it is resolved).
 * Resolving the incident ends its timer early: the next alert opens a new incident.
 */
import type { GroupingPolicy } from './policy';
import { byMostRecent, type CandidateIncident, type GroupingDecision, type GroupingInput, isOpen } from './strategy';
import { extendWindow, fixedWindowEnd, inFixedWindow, openWindow } from './window';

type TimePolicy = Extract<GroupingPolicy, { type: 'time' }>;

export function groupByTime(input: GroupingInput, policy: TimePolicy): GroupingDecision {
  const inWindow = (i: CandidateIncident) =>
    i.window !== null && inFixedWindow(i.window, policy.timeoutSeconds, input.now);
  const target = input.incidents.filter(isOpen).filter(inWindow).sort(byMostRecent)[0];
  if (target?.window) {
    const window = extendWindow(target.window, input.now);
    return { join: target.id, window, windowEndsAt: fixedWindowEnd(window, policy.timeoutSeconds) };
  }
  const window = openWindow(input.now);
  return { open: true, window, windowEndsAt: fixedWindowEnd(window, policy.timeoutSeconds) };
}
