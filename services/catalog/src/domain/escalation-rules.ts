import type { StoredRule } from '../db/escalation-policies.table';

export interface RuleInput {
  id?: string;
  escalation_delay_in_minutes: number;
  targets: { id: string; type: string }[];
  escalation_rule_assignment_strategy?: Strategy | { type: Strategy } | null;
}

type Strategy = 'round_robin' | 'assign_to_everyone';

const strategyOf = (value: RuleInput['escalation_rule_assignment_strategy']): Strategy | undefined =>
  value === null || value === undefined ? undefined : typeof value === 'string' ? value : value.type;

/**
 * Turns requested rules into stored ones: target types lose their `_reference` suffix, a rule keeps
 * its id when the request names one the policy already has, otherwise it gets a new one.
 */
export function normalizeRules(
  input: RuleInput[],
  existingIds: ReadonlySet<string>,
  newId: () => string,
): StoredRule[] {
  return input.map((rule) => {
    const strategy = strategyOf(rule.escalation_rule_assignment_strategy);
    return {
      id: rule.id && existingIds.has(rule.id) ? rule.id : newId(),
      escalation_delay_in_minutes: rule.escalation_delay_in_minutes,
      targets: rule.targets.map((t) => ({
        type: t.type.startsWith('schedule') ? ('schedule' as const) : ('user' as const),
        id: t.id,
      })),
      ...(strategy ? { escalation_rule_assignment_strategy: strategy } : {}),
    };
  });
}

/** The distinct user and schedule ids the rules name. */
export function targetIds(rules: StoredRule[]): { users: string[]; schedules: string[] } {
  const users = new Set<string>();
  const schedules = new Set<string>();
  for (const rule of rules) for (const t of rule.targets) (t.type === 'user' ? users : schedules).add(t.id);
  return { users: [...users], schedules: [...schedules] };
}
