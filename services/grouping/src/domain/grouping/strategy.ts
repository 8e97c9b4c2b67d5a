/**
 * What every grouping strategy takes and returns. Strategies run only for a NEW alert (dedup has
 * already sent repeats to their open alert) and only consider OPEN incidents: a resolved incident is
 * never reopened by grouping, whatever its window says.
 */
import type { AlertContent, IncidentStatus } from '../alert-content';
import type { IntelligentModelState } from '../intelligent/model-state';
import type { GroupingWindow } from './window';

export interface CandidateIncident {
  id: string;
  status: IncidentStatus;
  /** The incident's grouping window; null when it was opened with grouping off and takes no alerts. */
  window: GroupingWindow | null;
  /** Its alerts' content, oldest first. The most recent few dozen are enough for every strategy. */
  alerts: readonly AlertContent[];
}

export interface GroupingInput {
  alert: AlertContent;
  /** When the alert was created (the event's received_at). */
  now: Date;
  /** The service's open incidents; resolved ones may be passed and are ignored. */
  incidents: readonly CandidateIncident[];
  /** Intelligent types only: the service's model (read, not changed, by the decision). */
  model?: IntelligentModelState;
}

/**
 * `join`: add the alert to that incident and store the returned window on it. `open`: open a new
 * incident with this window (null = the incident takes no grouped alerts). `windowEndsAt` is when
 * grouping into that incident stops (null = until resolved), for display and housekeeping only.
 * `score` is the intelligent similarity behind the decision, for logs.
 */
export type GroupingDecision =
  | { join: string; window: GroupingWindow; windowEndsAt: Date | null; score?: number }
  | { open: true; window: GroupingWindow | null; windowEndsAt: Date | null; score?: number };

export const isOpen = (incident: CandidateIncident) => incident.status !== 'resolved' && incident.window !== null;

/** Most recently grouped first: "joins the most recent matching open incident". */
export function byMostRecent(a: CandidateIncident, b: CandidateIncident): number {
  const la = a.window?.lastGroupedAt.getTime() ?? 0;
  const lb = b.window?.lastGroupedAt.getTime() ?? 0;
  return lb - la || (b.window?.startedAt.getTime() ?? 0) - (a.window?.startedAt.getTime() ?? 0);
}
