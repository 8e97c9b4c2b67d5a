/** Where a window stands at a moment: PagerDuty's list filters past, future, ongoing (and open = ongoing or future). */
export type WindowPhase = 'past' | 'ongoing' | 'future';

export function windowPhase(window: { startTime: Date; endTime: Date }, now: Date): WindowPhase {
  if (window.endTime <= now) return 'past';
  return window.startTime <= now ? 'ongoing' : 'future';
}

export const windowFilters = ['past', 'future', 'ongoing', 'open', 'all'] as const;
export type WindowFilter = (typeof windowFilters)[number];

export function matchesFilter(phase: WindowPhase, filter: WindowFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'open') return phase !== 'past';
  return phase === filter;
}

/** A start in the past is moved to now (PagerDuty does the same); the end must be later than both. */
export function clampWindow(start: Date, end: Date, now: Date): { start: Date; end: Date } | string {
  const clamped = start < now ? now : start;
  if (end <= now) return 'end_time must be in the future';
  if (end <= clamped) return 'end_time must be after start_time';
  return { start: clamped, end };
}
