/**
 * Grouping windows. An incident that accepts grouped alerts carries `{startedAt, lastGroupedAt}`
 * (PagerDuty shows them as incident.alert_grouping.started_at / ended_at). Two kinds:
 * - fixed (time grouping): open from startedAt for `timeout`, or until resolved;
 * - rolling (content-based and intelligent): open until `time_window` after the most recently grouped
 *   alert, each grouped alert extending it, never beyond 24 h from startedAt.
 * The end is computed from the policy at decision time, not stored, so a settings change applies to
 * open incidents at once.
 */

export interface GroupingWindow {
  startedAt: Date;
  lastGroupedAt: Date;
}

/** The hard cap of a rolling window, from the incident's grouping start. */
export const ROLLING_CAP_MS = 24 * 60 * 60 * 1000;

/** When a rolling window closes. */
export function rollingWindowEnd(window: GroupingWindow, timeWindowSeconds: number): Date {
  const byGap = window.lastGroupedAt.getTime() + timeWindowSeconds * 1000;
  return new Date(Math.min(byGap, window.startedAt.getTime() + ROLLING_CAP_MS));
}

/** An alert arriving exactly `time_window` after the last grouped one still joins ("greater than" splits). */
export function inRollingWindow(window: GroupingWindow, timeWindowSeconds: number, now: Date): boolean {
  return now.getTime() <= rollingWindowEnd(window, timeWindowSeconds).getTime();
}

/** When a fixed window closes; null = open until the incident is resolved. */
export function fixedWindowEnd(window: GroupingWindow, timeoutSeconds: number | null): Date | null {
  return timeoutSeconds === null ? null : new Date(window.startedAt.getTime() + timeoutSeconds * 1000);
}

/** The timer has ended at its end instant: an alert arriving then opens a new incident. */
export function inFixedWindow(window: GroupingWindow, timeoutSeconds: number | null, now: Date): boolean {
  const end = fixedWindowEnd(window, timeoutSeconds);
  return end === null || now.getTime() < end.getTime();
}

export function openWindow(now: Date): GroupingWindow {
  return { startedAt: now, lastGroupedAt: now };
}

export function extendWindow(window: GroupingWindow, now: Date): GroupingWindow {
  return { startedAt: window.startedAt, lastGroupedAt: now };
}
