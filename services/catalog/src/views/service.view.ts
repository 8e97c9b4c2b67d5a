import type { Urls } from '@klaxon/rest';
import type { IntegrationRow, ServiceRow, TeamRow } from '../db';
import { type EscalationPolicyRecord, escalationPolicyView } from './escalation-policy.view';
import { integrationRef, integrationView } from './integration.view';
import { teamView } from './team.view';

export interface ServiceRecord {
  service: ServiceRow;
  policy: EscalationPolicyRecord;
  integrations: IntegrationRow[];
}

/** The deprecated `alert_grouping` / `alert_grouping_timeout` pair, shown only while it means something. */
function legacyGrouping(grouping: Record<string, unknown>) {
  if (grouping.type === 'intelligent') return { alert_grouping: 'intelligent' };
  if (grouping.type !== 'time') return {};
  const config = (grouping.config ?? {}) as { timeout?: number };
  return { alert_grouping: 'time', alert_grouping_timeout: config.timeout ?? 0 };
}

const teamOf = (record: ServiceRecord): TeamRow | null => record.policy.team;

/**
 * A service as REST API v2 renders it, and as catalog.changes carries it (ingest and grouping read
 * `status`, `alert_grouping_parameters`, `incident_urgency_rule`, the timeouts and `escalation_policy`).
 * Its teams are its escalation policy's team, as in PagerDuty. `status` is the stored one (active or
 * disabled) unless the caller computed the live one (see domain/service-status.ts): catalog.changes
 * carries the stored setting, never a status that changes with time and incidents.
 */
export function serviceView(
  urls: Urls,
  record: ServiceRecord,
  include: ReadonlySet<string> = new Set(),
  status: string = record.service.status,
) {
  const { service: s, policy } = record;
  const team = teamOf(record);
  const ref = { id: s.id, name: s.name };
  return {
    id: s.id,
    type: 'service',
    summary: s.name,
    self: urls.self('service', s.id),
    html_url: urls.html('service', s.id),
    name: s.name,
    description: s.description ?? '',
    auto_resolve_timeout: s.autoResolveTimeout,
    acknowledgement_timeout: s.acknowledgementTimeout,
    created_at: s.createdAt.toISOString(),
    status,
    escalation_policy: include.has('escalation_policies')
      ? escalationPolicyView(urls, policy)
      : urls.ref('escalation_policy', policy.policy.id, policy.policy.name),
    teams: team ? [include.has('teams') ? teamView(urls, team) : urls.ref('team', team.id, team.name)] : [],
    integrations: record.integrations.map((i) =>
      include.has('integrations') ? integrationView(urls, i, ref) : integrationRef(urls, i),
    ),
    incident_urgency_rule: s.incidentUrgencyRule,
    // Without support hours the field is left out: the spec types it as an object, never null.
    ...(s.supportHours ? { support_hours: s.supportHours } : {}),
    scheduled_actions: s.scheduledActions,
    addons: [],
    alert_creation: s.alertCreation,
    alert_grouping_parameters: s.alertGroupingParameters ?? { type: null },
    auto_pause_notifications_parameters: s.autoPauseNotificationsParameters,
    ...legacyGrouping(s.alertGroupingParameters),
  };
}
