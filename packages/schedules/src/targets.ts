import { onCallAt } from './render';
import type { Schedule } from './types';

/** An escalation rule target as PagerDuty writes it (`user_reference`, `schedule_reference`, ...). */
export interface TargetRef {
  id: string;
  type: string;
}

/** A user an escalation level reaches, and the schedule through which (null: targeted directly). */
export interface ResolvedTarget {
  userId: string;
  scheduleId: string | null;
}

const isSchedule = (type: string) => type === 'schedule' || type === 'schedule_reference';
const isUser = (type: string) => type === 'user' || type === 'user_reference';

/**
 * Resolves one escalation level's targets to the users they reach at `instant`: a user target is
 * that user; a schedule target is whoever is on call on it then (nobody when the schedule has a
 * gap or is unknown). Each user is listed once, by the first target reaching them; target order
 * is kept. Other target types (v3 schedules) reach nobody. `onCall` answers who a schedule has on
 * call (a caller resolving many levels at one instant passes a memo of onCallAt: rendering is the cost).
 */
export function usersForTargets(
  targets: readonly TargetRef[],
  instant: Date | number,
  scheduleOf: (id: string) => Schedule | undefined,
  onCall: (schedule: Schedule, instant: Date | number, scheduleId: string) => string[] = onCallAt,
): ResolvedTarget[] {
  const out: ResolvedTarget[] = [];
  const seen = new Set<string>();
  const add = (userId: string, scheduleId: string | null) => {
    if (seen.has(userId)) return;
    seen.add(userId);
    out.push({ userId, scheduleId });
  };
  for (const target of targets) {
    if (isUser(target.type)) add(target.id, null);
    else if (isSchedule(target.type)) {
      const schedule = scheduleOf(target.id);
      if (schedule) for (const userId of onCall(schedule, instant, target.id)) add(userId, target.id);
    }
  }
  return out;
}
