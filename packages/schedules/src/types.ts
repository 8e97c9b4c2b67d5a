/**
 * The schedule model the renderer works on: PagerDuty's layer-based (v2) schedule, validated and
 * with every instant as epoch milliseconds. Build one with `parseSchedule` from PagerDuty's JSON.
 */

/** PagerDuty's Restriction: when a layer may assign, in the schedule's time zone. */
export interface Restriction {
  type: 'daily_restriction' | 'weekly_restriction';
  /** `HH:mm:ss`, local to the schedule's time zone. */
  start_time_of_day: string;
  duration_seconds: number;
  /** ISO weekday, 1 = Monday; weekly restrictions only. */
  start_day_of_week?: number;
}

export interface Layer {
  id?: string;
  name?: string;
  start: number;
  /** null: the layer never ends. */
  end: number | null;
  /** The anchor of the rotation: turn 0 starts here with the first user (may precede `start`). */
  rotationVirtualStart: number;
  rotationTurnLengthSeconds: number;
  /** Ordered: turn k belongs to userIds[k mod n]. */
  userIds: string[];
  restrictions: Restriction[];
}

export interface Override {
  id?: string;
  start: number;
  end: number;
  userId: string;
}

export interface Schedule {
  /** IANA zone the layers' rotations and restrictions are computed in. */
  timeZone: string;
  /**
   * Lowest precedence first. PagerDuty's layers are numbered in the order a schedule is created
   * or updated with (POST/PUT `schedule_layers[]`), and a higher-numbered layer overrides the
   * lower ones where both have someone (docs/pagerduty-contract.md, Schedules semantics; PagerDuty's
   * "Schedule Layer Reorganizer" support script notes that GET lists them in the reverse order).
   */
  layers: Layer[];
  /** Oldest first: where overrides overlap, the later one (the newest) wins. */
  overrides: Override[];
}

/** One stretch of time with one person on call; `end` is exclusive. */
export interface Shift {
  start: number;
  end: number;
  userId: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: string[] };
