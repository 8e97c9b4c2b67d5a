import { checkWindow, finalShifts, type Schedule, type Shift } from '@klaxon/schedules';

/** One on-call as PagerDuty's Oncall has it, with ids (the route renders references). */
export interface OnCall {
  policyId: string;
  /** 1-based: the rule's position in the policy. */
  level: number;
  userId: string;
  /** null: a user targeted directly by the rule. */
  scheduleId: string | null;
  /** null for direct user targets: permanently on call. */
  start: number | null;
  end: number | null;
}

export interface PolicyTargets {
  id: string;
  /** Per rule, in order: its targets. */
  levels: { id: string; type: string }[][];
}

export interface OnCallQuery {
  since: number;
  until: number;
  /** Only these users / policies (empty = all). */
  userIds: readonly string[];
  policyIds: readonly string[];
  /** Only on-calls from these schedules; `null` in the list keeps direct user targets. Empty = all. */
  scheduleIds: readonly (string | null)[];
  earliest: boolean;
}

/**
 * How far beyond the asked range shifts are rendered, so an on-call overlapping the range shows its
 * whole start and end as PagerDuty does (entries are not cut at since/until). A shift longer than
 * this shows the lookaround as its bound.
 */
export const LOOKAROUND_MS = 35 * 86_400_000;

const isUser = (type: string) => type === 'user' || type === 'user_reference';
const isSchedule = (type: string) => type === 'schedule' || type === 'schedule_reference';

/**
 * PagerDuty's `GET /oncalls` as a calculation: for each policy level, its direct user targets
 * (always on call, no start or end) and, for each schedule target, the final schedule's shifts
 * overlapping [since, until] (an instant when since = until). Filters as the query says; with
 * `earliest`, only the first on-call of each policy, level and user.
 */
export function onCalls(
  policies: readonly PolicyTargets[],
  scheduleOf: (id: string) => Schedule | undefined,
  query: OnCallQuery,
): OnCall[] {
  const users = new Set(query.userIds);
  const policyIds = new Set(query.policyIds);
  const scheduleIds = new Set(query.scheduleIds);
  const keepSchedule = (id: string | null) => scheduleIds.size === 0 || scheduleIds.has(id);
  const shiftCache = new Map<string, Shift[]>();
  const shiftsOf = (id: string) => {
    let shifts = shiftCache.get(id);
    if (!shifts) {
      const schedule = scheduleOf(id);
      shifts = schedule ? shiftsAround(schedule, query.since, query.until) : [];
      shiftCache.set(id, shifts);
    }
    return shifts;
  };
  const overlaps = (start: number, end: number) =>
    query.since === query.until ? start <= query.since && end > query.since : start < query.until && end > query.since;

  const out: OnCall[] = [];
  for (const policy of policies) {
    if (policyIds.size && !policyIds.has(policy.id)) continue;
    policy.levels.forEach((targets, index) => {
      const level = index + 1;
      for (const target of targets) {
        if (isUser(target.type)) {
          if (keepSchedule(null) && (users.size === 0 || users.has(target.id)))
            out.push({ policyId: policy.id, level, userId: target.id, scheduleId: null, start: null, end: null });
        } else if (isSchedule(target.type) && keepSchedule(target.id)) {
          for (const s of shiftsOf(target.id)) {
            if (!overlaps(s.start, s.end) || (users.size && !users.has(s.userId))) continue;
            out.push({
              policyId: policy.id,
              level,
              userId: s.userId,
              scheduleId: target.id,
              start: s.start,
              end: s.end,
            });
          }
        }
      }
    });
  }
  return query.earliest ? earliestOnly(out) : out;
}

/**
 * The final shifts around [since, until]: with the lookaround when rendering it stays within the
 * renderer's budget, else only the range itself (a rotation of very short turns), else none.
 */
function shiftsAround(schedule: Schedule, since: number, until: number): Shift[] {
  const windows = [
    { since: since - LOOKAROUND_MS, until: until + LOOKAROUND_MS },
    { since, until: Math.max(until, since + 1) },
  ];
  const affordable = windows.find((w) => checkWindow(schedule, w).length === 0);
  return affordable ? finalShifts(schedule, affordable.since, affordable.until) : [];
}

function earliestOnly(entries: readonly OnCall[]): OnCall[] {
  const first = new Map<string, OnCall>();
  for (const e of entries) {
    const key = `${e.policyId}\u0000${e.level}\u0000${e.userId}`;
    const seen = first.get(key);
    if (!seen || (e.start ?? Number.NEGATIVE_INFINITY) < (seen.start ?? Number.NEGATIVE_INFINITY)) first.set(key, e);
  }
  return entries.filter((e) => first.get(`${e.policyId}\u0000${e.level}\u0000${e.userId}`) === e);
}
