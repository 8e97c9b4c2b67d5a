import type { Shift } from './types';

/** Joins touching or overlapping shifts of the same user; input sorted by start, output too. */
export function mergeShifts(shifts: readonly Shift[]): Shift[] {
  const out: Shift[] = [];
  for (const shift of shifts) {
    const last = out[out.length - 1];
    if (last && last.userId === shift.userId && shift.start <= last.end) last.end = Math.max(last.end, shift.end);
    else if (shift.end > shift.start) out.push({ ...shift });
  }
  return out;
}

/** Milliseconds of [since, until) covered by at least one shift (shifts sorted by start). */
export function coveredMs(shifts: readonly Shift[], since: number, until: number): number {
  let covered = 0;
  let reach = since;
  for (const s of shifts) {
    const start = Math.max(s.start, reach);
    const end = Math.min(s.end, until);
    if (end > start) {
      covered += end - start;
      reach = end;
    }
  }
  return covered;
}

/**
 * PagerDuty's `rendered_coverage_percentage`: the share of the requested range with someone on
 * call, as a percentage rounded to two decimals (PagerDuty shows 37.5 for 9 hours of 24).
 */
export function coveragePercent(shifts: readonly Shift[], since: number, until: number): number {
  if (until <= since) return 0;
  return Math.round((coveredMs(shifts, since, until) / (until - since)) * 10_000) / 100;
}

/** Cuts shifts to [since, until), dropping what falls outside. */
export function clipShifts(shifts: readonly Shift[], since: number, until: number): Shift[] {
  const out: Shift[] = [];
  for (const s of shifts) {
    const start = Math.max(s.start, since);
    const end = Math.min(s.end, until);
    if (end > start) out.push({ start, end, userId: s.userId });
  }
  return out;
}

/** Intersects sorted, non-overlapping shifts with sorted, non-overlapping [start, end) windows. */
export function intersectWindows(shifts: readonly Shift[], windows: readonly (readonly [number, number])[]): Shift[] {
  const out: Shift[] = [];
  let w = 0;
  for (const s of shifts) {
    while (w < windows.length && (windows[w]?.[1] ?? 0) <= s.start) w++;
    for (let i = w; i < windows.length; i++) {
      const [ws, we] = windows[i] ?? [0, 0];
      if (ws >= s.end) break;
      const start = Math.max(s.start, ws);
      const end = Math.min(s.end, we);
      if (end > start) out.push({ start, end, userId: s.userId });
    }
  }
  return out;
}
