import type { AcceptedEvent } from '@klaxon/contracts';
import type { Executor } from '@klaxon/db';
import {
  alertsOfIncidents,
  contentOf,
  findIncident,
  openGroupingIncidents,
  openIncidentsMatching,
  recentServiceAlerts,
  type ServiceSnapshot,
} from '../db';
import {
  type AlertContent,
  type CandidateIncident,
  decideGrouping,
  fieldValue,
  type GroupingDecision,
  type GroupingPolicy,
  type GroupingWindow,
  incidentUrgency,
  lifecycle,
  modelFields,
  observeAlert,
  recommendedTimeWindow,
  usesRecommendedWindow,
} from '../domain';
import { type Cause, commitTransition, insertLogEntry } from './commit';
import type { GroupingContext } from './context';
import { eventCause } from './event-alert';
import { type NewIncident, openIncident } from './open-incident';
import { isIntelligent, policyOf } from './service-settings';
import { stateOf } from './state';

const HOUR_MS = 3_600_000;

/**
 * Places a new alert: joins the open incident grouping chooses, or opens one. Returns the incident
 * and the trigger log entry of the alert. The intelligent model counts the alert afterwards.
 */
export async function groupNewAlert(
  tx: Executor,
  ctx: GroupingContext,
  input: {
    event: AcceptedEvent;
    service: ServiceSnapshot | undefined;
    content: AlertContent;
    alertId: string;
    at: Date;
  },
): Promise<{ incidentId: string; logEntryId: string | null }> {
  const { event, service, content, alertId, at } = input;
  // Recent alerts only matter to a policy on the recommended window.
  const recent = usesRecommendedWindow(service?.alert_grouping_parameters)
    ? (await recentServiceAlerts(tx, event.serviceId, new Date(at.getTime() - HOUR_MS))).filter((a) => a.id !== alertId)
    : [];
  const policy = policyOf(service, recommendedTimeWindow(recent.map((a) => a.createdAt)));
  const model = isIntelligent(policy) ? await ctx.models.load(tx, event.serviceId) : undefined;
  let decision: GroupingDecision = { open: true, window: null, windowEndsAt: null };
  if (policy.type !== 'none') {
    const open = await candidateIncidents(tx, event.serviceId, policy, content);
    const alertRows = await alertsOfIncidents(
      tx,
      open.map((i) => i.id),
    );
    const candidates: CandidateIncident[] = open.map((i) => ({
      id: i.id,
      status: i.status,
      window:
        i.windowStartedAt && i.windowLastGroupedAt
          ? { startedAt: i.windowStartedAt, lastGroupedAt: i.windowLastGroupedAt }
          : null,
      alerts: alertRows.filter((a) => a.incidentId === i.id && a.id !== alertId).map(contentOf),
    }));
    decision = decideGrouping(policy, { alert: content, now: at, incidents: candidates, ...(model ? { model } : {}) });
  }
  if (model) {
    observeAlert(model, content, modelFields(policy));
    await ctx.models.save(tx, event.serviceId, model, at);
  }
  const cause = eventCause(event, alertId, content);
  if ('join' in decision) {
    const row = await findIncident(tx, decision.join, true);
    const added = row ? lifecycle.addAlert(stateOf(row)) : undefined;
    if (row && added?.ok) {
      const logEntryId = await insertLogEntry(tx, {
        type: 'trigger',
        incidentId: row.id,
        serviceId: row.serviceId,
        cause,
        at,
      });
      await commitTransition(tx, ctx, row, added, cause, at, {
        windowStartedAt: decision.window.startedAt,
        windowLastGroupedAt: decision.window.lastGroupedAt,
      });
      ctx.log.debug({ incidentId: row.id, alertId, score: decision.score }, 'alert_grouped');
      return { incidentId: row.id, logEntryId };
    }
    // The incident is full or vanished: the alert opens its own incident.
    decision = { open: true, window: decision.window, windowEndsAt: decision.windowEndsAt };
  }
  const row = await openIncident(
    tx,
    ctx,
    eventIncident({ event, service, content, alertId, at }, policy, decision.window, cause),
    at,
  );
  ctx.log.info({ incidentId: row.id, serviceId: row.serviceId, alertId }, 'incident_opened');
  return { incidentId: row.id, logEntryId: row.firstTriggerLogEntryId };
}

/** The incident a new alert opens: titled by it, keyed by its dedup key, on the service's policy. */
export function eventIncident(
  alert: {
    event: AcceptedEvent;
    service: ServiceSnapshot | undefined;
    content: AlertContent;
    alertId: string;
    at: Date;
  },
  policy: GroupingPolicy,
  window: GroupingWindow | null,
  cause: Cause,
): NewIncident {
  const { event, service, content, at } = alert;
  return {
    title: content.summary,
    serviceId: event.serviceId,
    service,
    urgency: incidentUrgency(service?.incident_urgency_rule, service?.support_hours, content.severity, at),
    assigneeIds: [],
    assignedVia: 'escalation_policy',
    escalationPolicyId: service?.escalation_policy?.id ?? null,
    incidentKey: event.dedupKey || null,
    groupingType: policy.type === 'none' ? null : policy.type,
    window,
    alertCount: 1,
    alertId: alert.alertId,
    cause,
    details: content.customDetails ?? null,
  };
}

/**
 * The open incidents a new alert may join. Content-based policies ask the database for incidents with
 * a matching alert (an alert lacking a field can never match on it); the others take the most
 * recently grouped ones, which is all time and intelligent grouping look at.
 */
function candidateIncidents(tx: Executor, serviceId: string, policy: GroupingPolicy, content: AlertContent) {
  if (policy.type !== 'content_based' && policy.type !== 'content_based_intelligent') {
    return openGroupingIncidents(tx, serviceId);
  }
  const matches = policy.fields.flatMap((field) => {
    const value = fieldValue(content, field);
    return value === undefined ? [] : [{ field, value }];
  });
  const possible = policy.aggregate === 'all' ? matches.length === policy.fields.length : matches.length > 0;
  return possible ? openIncidentsMatching(tx, serviceId, matches, policy.aggregate) : Promise.resolve([]);
}
