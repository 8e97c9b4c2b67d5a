import type { Urls } from '@klaxon/rest';
import type { EscalationPolicyRow, TeamRow } from '../db';
import { teamView } from './team.view';

export interface EscalationPolicyRecord {
  policy: EscalationPolicyRow;
  /** Names of the users and schedules the rules target, by id (for `summary`). */
  targetNames: ReadonlyMap<string, string>;
  services: { id: string; name: string }[];
  team: TeamRow | null;
}

/** An escalation policy as REST API v2 renders it (and as catalog.changes carries it). */
export function escalationPolicyView(
  urls: Urls,
  record: EscalationPolicyRecord,
  include: ReadonlySet<string> = new Set(),
) {
  const { policy, team } = record;
  return {
    id: policy.id,
    type: 'escalation_policy',
    summary: policy.name,
    self: urls.self('escalation_policy', policy.id),
    html_url: urls.html('escalation_policy', policy.id),
    name: policy.name,
    description: policy.description ?? '',
    num_loops: policy.numLoops,
    on_call_handoff_notifications: policy.onCallHandoffNotifications,
    escalation_rules: policy.rules.map((rule) => ({
      id: rule.id,
      escalation_delay_in_minutes: rule.escalation_delay_in_minutes,
      targets: rule.targets.map((t) => urls.ref(t.type, t.id, record.targetNames.get(t.id) ?? t.id)),
      // Rendered as `{type}`, the shape PagerDuty answers and the Terraform provider decodes (the
      // spec's schema says a bare string; its own example shows objects).
      ...(rule.escalation_rule_assignment_strategy
        ? { escalation_rule_assignment_strategy: { type: rule.escalation_rule_assignment_strategy } }
        : {}),
    })),
    services: record.services.map((s) => urls.ref('service', s.id, s.name)),
    teams: team ? [include.has('teams') ? teamView(urls, team) : urls.ref('team', team.id, team.name)] : [],
  };
}
