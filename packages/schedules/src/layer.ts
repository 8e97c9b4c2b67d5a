import { DateTime } from 'luxon';
import { intersectWindows, mergeShifts } from './shifts';
import { addDuration, DAY_SECONDS } from './time';
import type { Layer, Restriction, Shift } from './types';

const DAY_MS = DAY_SECONDS * 1000;

/** Where the layer's turns begin: turn k starts k turn lengths after the virtual start. */
function turnClock(layer: Layer, zone: string) {
  const anchor = DateTime.fromMillis(layer.rotationVirtualStart, { zone });
  const seconds = layer.rotationTurnLengthSeconds;
  const start = (k: number): number => addDuration(anchor, k * seconds).toMillis();
  // Whole-day turns are calendar days (see addDuration), so a guess from elapsed time may be off
  // by one turn around DST; the loops correct it.
  const indexAt = (t: number): number => {
    let k = Math.floor((t - layer.rotationVirtualStart) / (seconds * 1000));
    while (start(k) > t) k--;
    while (start(k + 1) <= t) k++;
    return k;
  };
  return { start, indexAt };
}

/** The layer's rotation, unrestricted, over [from, to): one shift per turn. */
function turns(layer: Layer, zone: string, from: number, to: number): Shift[] {
  const clock = turnClock(layer, zone);
  const n = layer.userIds.length;
  const out: Shift[] = [];
  for (let k = clock.indexAt(from); ; k++) {
    const start = clock.start(k);
    if (start >= to) break;
    const userId = layer.userIds[((k % n) + n) % n];
    if (userId === undefined) break;
    out.push({ start: Math.max(start, from), end: Math.min(clock.start(k + 1), to), userId });
  }
  return out;
}

function timeOfDay(text: string): { hour: number; minute: number; second: number } {
  const [hour = 0, minute = 0, second = 0] = text.split(':').map(Number);
  return { hour, minute, second };
}

/**
 * The windows in which a restricted layer may assign, merged, over [from, to). A daily restriction
 * opens every local day at `start_time_of_day`; a weekly one on `start_day_of_week` only. Each
 * lasts `duration_seconds` (calendar days when whole days, else elapsed time), so a window may run
 * past midnight or into the next week. A start time that does not exist on a spring-forward day
 * moves forward by the gap, as luxon resolves it.
 */
function restrictionWindows(restrictions: readonly Restriction[], zone: string, from: number, to: number) {
  const windows: [number, number][] = [];
  const longest = Math.max(...restrictions.map((r) => r.duration_seconds));
  // Start early enough to catch a window that opened before `from` and is still open.
  const firstDay = DateTime.fromMillis(from, { zone })
    .startOf('day')
    .minus({ days: Math.ceil(longest / DAY_SECONDS) + 1 });
  for (let day = firstDay; day.toMillis() < to; day = day.plus({ days: 1 })) {
    for (const r of restrictions) {
      if (r.type === 'weekly_restriction' && day.weekday !== r.start_day_of_week) continue;
      const opens = day.set(timeOfDay(r.start_time_of_day));
      const start = opens.toMillis();
      const end = addDuration(opens, r.duration_seconds).toMillis();
      if (end > from && start < to) windows.push([Math.max(start, from), Math.min(end, to)]);
    }
  }
  windows.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  return merged;
}

/**
 * Who a layer puts on call over [since, until), clipped to the layer's own start and end. The
 * rotation keeps turning outside the restriction windows; a restriction only masks it (the user
 * on call in a window is whoever's turn it is then), as PagerDuty renders a restricted layer.
 */
export function layerShifts(layer: Layer, zone: string, since: number, until: number): Shift[] {
  const from = Math.max(since, layer.start);
  const to = Math.min(until, layer.end ?? Number.POSITIVE_INFINITY);
  if (to <= from || layer.userIds.length === 0) return [];
  const rotation = turns(layer, zone, from, to);
  const shifts =
    layer.restrictions.length === 0
      ? rotation
      : intersectWindows(rotation, restrictionWindows(layer.restrictions, zone, from, to));
  return mergeShifts(shifts);
}

/** A rough count of the turns and days rendering [since, until) walks, to refuse runaway ranges. */
export function renderingCost(layer: Layer, since: number, until: number): number {
  const from = Math.max(since, layer.start);
  const to = Math.min(until, layer.end ?? Number.POSITIVE_INFINITY);
  if (to <= from) return 0;
  const turnCount = (to - from) / (layer.rotationTurnLengthSeconds * 1000);
  const days = layer.restrictions.length ? ((to - from) / DAY_MS + 8) * layer.restrictions.length : 0;
  return turnCount + days;
}
