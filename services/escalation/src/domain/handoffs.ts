/**
 * On-call handoff notifications as PagerDuty sends them, without I/O: a user on a schedule that an
 * escalation policy pages hears, through each of their handoff rules, that a shift of theirs starts
 * (`oncall`) or ends (`offcall`), `notify_advance_in_minutes` before it does. A policy's
 * `on_call_handoff_notifications` says whose schedules count: `always`, or `if_has_services` (the
 * default) only while a service uses the policy. Shifts are the final schedule's (overrides
 * included), one user's touching shifts joined, so a user on call twice in a row hears nothing in
 * between. Users paged directly by a policy are always on call: they have no handoffs.
 */
import { checkWindow, finalShifts, mergeShifts, type Schedule } from '@klaxon/schedules';

export type HandoffKind = 'oncall' | 'offcall';

export interface HandoffPolicy {
  /** `always` or `if_has_services` (PagerDuty's default). */
  handoffs: string;
  hasServices: boolean;
  scheduleIds: readonly string[];
}

export interface HandoffRule {
  id: string;
  userId: string;
  contactMethodId: string;
  advanceMinutes: number;
  /** both, oncall or offcall. */
  type: string;
}

/** One handoff notification to send at `dueAt`; `key` names it for good (replans and replays keep it). */
export interface PlannedHandoff {
  key: string;
  userId: string;
  ruleId: string;
  contactMethodId: string;
  scheduleId: string;
  kind: HandoffKind;
  shiftStart: Date;
  shiftEnd: Date;
  dueAt: Date;
}

/** How far ahead handoffs are planned; a plan older than half of this is renewed. */
export const HANDOFF_HORIZON_MS = 2 * 86_400_000;
/** The largest `notify_advance_in_minutes` the catalog accepts (a week). */
export const MAX_ADVANCE_MS = 10_080 * 60_000;
/** Rendered beyond both ends, so a shift cut by the rendering's edge is never taken for a handoff. */
const MARGIN_MS = 86_400_000;

/** The schedules whose on-call users get handoff notifications. */
export function handoffSchedules(policies: readonly HandoffPolicy[]): Set<string> {
  const out = new Set<string>();
  for (const p of policies) {
    if (p.handoffs === 'always' || p.hasServices) for (const id of p.scheduleIds) out.add(id);
  }
  return out;
}

const wants = (rule: HandoffRule, kind: HandoffKind) => rule.type === 'both' || rule.type === kind;

/**
 * The handoff notifications due in [from, until): for each schedule, each start and end of a user's
 * shift, and each of that user's rules wanting it, at the shift's edge minus the rule's advance.
 */
export function planHandoffs(
  schedules: ReadonlyMap<string, Schedule>,
  rules: readonly HandoffRule[],
  from: number,
  until: number,
): PlannedHandoff[] {
  const byUser = new Map<string, HandoffRule[]>();
  for (const r of rules) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
  if (byUser.size === 0) return [];
  const since = from - MARGIN_MS;
  const to = until + MAX_ADVANCE_MS + MARGIN_MS;
  const out: PlannedHandoff[] = [];
  for (const [scheduleId, schedule] of schedules) {
    // A rotation too fine to render this far (seconds-long turns) plans nothing rather than stall.
    if (checkWindow(schedule, { since, until: to }).length > 0) continue;
    for (const shift of mergeShifts(finalShifts(schedule, since, to))) {
      const edges: [HandoffKind, number][] = [];
      if (shift.start > since) edges.push(['oncall', shift.start]);
      if (shift.end < to) edges.push(['offcall', shift.end]);
      for (const rule of byUser.get(shift.userId) ?? []) {
        for (const [kind, at] of edges) {
          const dueAt = at - rule.advanceMinutes * 60_000;
          if (!wants(rule, kind) || dueAt < from || dueAt >= until) continue;
          out.push({
            key: `${rule.id}.${scheduleId}.${kind}.${at}`,
            userId: shift.userId,
            ruleId: rule.id,
            contactMethodId: rule.contactMethodId,
            scheduleId,
            kind,
            shiftStart: new Date(shift.start),
            shiftEnd: new Date(shift.end),
            dueAt: new Date(dueAt),
          });
        }
      }
    }
  }
  return out;
}
