/**
 * Who a responder request reaches, without I/O: the users asked directly, and for each escalation
 * policy asked, whoever its first level reaching somebody has on call now (PagerDuty pages a
 * requested policy as it would a new incident's). A policy reaching nobody adds nobody.
 */
import { nextStep, type PolicyPlan, type Reach } from './escalation-run';

export interface RespondersReached {
  /** Everyone to notify, once each. */
  userIds: string[];
  /** Per requested policy that reached somebody: its users, for grouping to add as responders. */
  viaPolicy: { policyId: string; userIds: string[] }[];
}

export function respondersOf(
  request: { userIds: readonly string[]; escalationPolicyIds: readonly string[] },
  plans: ReadonlyMap<string, PolicyPlan>,
  reach: Reach,
): RespondersReached {
  const viaPolicy: RespondersReached['viaPolicy'] = [];
  for (const policyId of request.escalationPolicyIds) {
    const plan = plans.get(policyId);
    if (!plan) continue;
    const step = nextStep(plan, { level: 1, cycle: 0 }, reach, true);
    if (step.kind === 'assign') viaPolicy.push({ policyId, userIds: step.userIds });
  }
  return { userIds: [...new Set([...request.userIds, ...viaPolicy.flatMap((p) => p.userIds)])], viaPolicy };
}
