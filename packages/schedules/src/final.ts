import { layerShifts } from './layer';
import { clipShifts, mergeShifts } from './shifts';
import type { Schedule, Shift } from './types';

/**
 * Stacks sources of shifts, lowest precedence first, into one timeline: at every instant the
 * highest source that has someone wins. Each source is sorted and non-overlapping, except the
 * overrides, which may overlap one another and are stacked oldest first for that reason.
 */
function stack(sources: readonly (readonly Shift[])[], since: number, until: number): Shift[] {
  const cuts = new Set<number>([since, until]);
  for (const source of sources) {
    for (const s of source) {
      if (s.start > since && s.start < until) cuts.add(s.start);
      if (s.end > since && s.end < until) cuts.add(s.end);
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Shift[] = [];
  // One cursor per source: segments are visited in time order, so each cursor only moves forward.
  const cursors = sources.map(() => 0);
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i] ?? since;
    const end = points[i + 1] ?? until;
    let userId: string | undefined;
    for (let j = sources.length - 1; j >= 0 && userId === undefined; j--) {
      const source = sources[j] ?? [];
      let c = cursors[j] ?? 0;
      while (c < source.length && (source[c]?.end ?? 0) <= start) c++;
      cursors[j] = c;
      const shift = source[c];
      if (shift && shift.start <= start) userId = shift.userId;
    }
    if (userId !== undefined) out.push({ start, end, userId });
  }
  return mergeShifts(out);
}

/** The overrides as one timeline over [since, until): where two overlap, the newer wins. */
export function overrideShifts(schedule: Schedule, since: number, until: number): Shift[] {
  // Each override is its own source so that overlapping ones stack by age.
  const sources = schedule.overrides.map((o) =>
    clipShifts([{ start: o.start, end: o.end, userId: o.userId }], since, until),
  );
  return stack(sources, since, until);
}

export interface Timelines {
  /** One per layer, in the schedule's order. */
  layers: Shift[][];
  overrides: Shift[];
  final: Shift[];
}

/** Every layer, the overrides and the final schedule over [since, until). */
export function timelines(schedule: Schedule, since: number, until: number): Timelines {
  const layers = schedule.layers.map((l) => layerShifts(l, schedule.timeZone, since, until));
  const overrides = overrideShifts(schedule, since, until);
  return { layers, overrides, final: stack([...layers, overrides], since, until) };
}
