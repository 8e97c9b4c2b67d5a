/**
 * Running an escalation policy, as PagerDuty does, without I/O. A run starts at level 1 when the
 * incident triggers, on a snapshot of the policy (later edits do not change it); each level assigns
 * whoever its targets reach at that instant, and a level reaching nobody is skipped. After a level's
 * `escalation_delay_in_minutes` without acknowledgement the next level follows; after the last, the
 * policy repeats from level 1 `num_loops` times, then the path is exhausted. Acknowledge and resolve
 * stop the timer; a re-trigger (acknowledgement timeout) or a manual escalate restarts at the
 * incident's level; a direct assignment takes the incident out of escalation.
 */
import type { ResolvedTarget, TargetRef } from '@klaxon/schedules';

/** The policy as the run follows it, taken when the incident triggered. */
export interface PolicyPlan {
  id: string;
  numLoops: number;
  levels: { delayMinutes: number; targets: TargetRef[] }[];
}

/** Who a level's targets reach now, and for each target that reached nobody, why. */
export type Reach = (targets: readonly TargetRef[]) => { users: ResolvedTarget[]; unreached: string[] };

/** Where a run goes next. */
export type Step =
  | { kind: 'assign'; level: number; cycle: number; userIds: string[]; repeated: boolean }
  | { kind: 'exhausted' }
  | { kind: 'nobody'; reason: string };

/** The plan of a catalog `escalation_policy` snapshot. */
export function planOf(policy: {
  id: string;
  num_loops?: number | null;
  escalation_rules?: { escalation_delay_in_minutes?: number; targets?: TargetRef[] }[];
}): PolicyPlan {
  return {
    id: policy.id,
    numLoops: Math.max(0, policy.num_loops ?? 0),
    levels: (policy.escalation_rules ?? []).map((rule) => ({
      delayMinutes: Math.max(0, rule.escalation_delay_in_minutes ?? 0),
      targets: (rule.targets ?? []).map((t) => ({ id: t.id, type: t.type })),
    })),
  };
}

/**
 * The first level from `from` (itself when `inclusive`, else the one after) that reaches somebody,
 * looping from level 1 while loops remain. Every level reaching nobody: `nobody`, with why. Past the
 * last level of the last loop: `exhausted`.
 */
export function nextStep(
  plan: PolicyPlan,
  from: { level: number; cycle: number },
  reach: Reach,
  inclusive: boolean,
): Step {
  const n = plan.levels.length;
  if (n === 0) return { kind: 'nobody', reason: `Escalation policy ${plan.id} has no escalation rules.` };
  let level = inclusive ? from.level : from.level + 1;
  let cycle = from.cycle;
  let repeated = false;
  const why: string[] = [];
  for (let tried = 0; tried < n; tried++, level++) {
    if (level > n) {
      if (cycle >= plan.numLoops) return { kind: 'exhausted' };
      cycle++;
      level = 1;
      repeated = true;
    }
    const rule = plan.levels[level - 1];
    if (!rule) break;
    const { users, unreached } = reach(rule.targets);
    if (users.length > 0) return { kind: 'assign', level, cycle, userIds: users.map((u) => u.userId), repeated };
    why.push(`level ${level}: ${unreached.length > 0 ? unreached.join(', ') : 'no targets'}`);
  }
  return nobody(plan, why);
}

const nobody = (plan: PolicyPlan, why: string[]): Step => ({
  kind: 'nobody',
  reason: `No one to assign on escalation policy ${plan.id} (${why.join('; ')}).`,
});

/** Whether a level or loop follows `at` (else its timer only exhausts the path). */
export const hasNext = (plan: PolicyPlan, at: { level: number; cycle: number }) =>
  at.level < plan.levels.length || at.cycle < plan.numLoops;

/** When a level's timer is due: its delay after the instant it assigned. */
export function dueAfter(plan: PolicyPlan, level: number, at: Date): Date {
  const minutes = plan.levels[level - 1]?.delayMinutes ?? 0;
  return new Date(at.getTime() + minutes * 60_000);
}

export const sameUsers = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
