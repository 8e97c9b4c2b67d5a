import type { AcceptedEvent } from '@klaxon/contracts';
import { type Executor, sql } from '@klaxon/db';
import {
  alertsOfIncidents,
  CANDIDATES_PER_SERVICE,
  type CandidateRequest,
  contentOf,
  groupingCandidateIds,
  incidents,
  lockIncidents,
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
  type IntelligentModelState,
  incidentUrgency,
  lifecycle,
  modelFields,
  observeAlert,
  recommendedTimeWindow,
  usesRecommendedWindow,
} from '../domain';
import type { Cause } from './commit';
import type { GroupingContext } from './context';
import type { NewIncident } from './open-incident';
import { isIntelligent, policyOf } from './service-settings';

const HOUR_MS = 3_600_000;
/** The most recent alerts of an incident that grouping compares a new alert with. */
const ALERTS_PER_CANDIDATE = 50;
/** The recent arrivals a recommended time window is computed from. */
const RECENT_ARRIVALS = 50;

/** An open incident the batch's new alerts may join, as grouping sees it. */
interface Candidate extends CandidateIncident {
  window: GroupingWindow | null;
  alerts: AlertContent[];
  alertCount: number;
  /** Opened in this batch and not yet stored: the caller's row takes its joins, not `flush`. */
  isNew: boolean;
}

/** What grouping keeps of one service for the length of a batch. */
interface ServiceState {
  service: ServiceSnapshot | undefined;
  candidates: Candidate[];
  /** Arrival times of its recent alerts, when its policy uses the recommended window. */
  arrivals: Date[] | undefined;
  model: IntelligentModelState | undefined;
  /** When the model last learned an alert (its save stamp); undefined = nothing to save. */
  modelChangedAt: Date | undefined;
}

/** A new alert to place, as the batch knows it. */
export interface NewAlert {
  serviceId: string;
  service: ServiceSnapshot | undefined;
  content: AlertContent;
  at: Date;
}

/** Where a new alert goes: into an open incident, or into a new one opened with `window`. */
export type Placement =
  | { join: string; window: GroupingWindow; score?: number | undefined }
  | { open: true; policy: GroupingPolicy; window: GroupingWindow | null };

/**
 * Groups a batch's new alerts in memory. `load` reads, in a few statements for the whole batch, the
 * open incidents the alerts may join (locked, so nothing resolves them under the batch), their recent
 * alerts, and the intelligent models; `place` then decides each alert in order, seeing the incidents
 * earlier alerts of the batch opened or joined; `flush` writes the joined incidents' counts and
 * windows and the models in one go; `resolved` drops an incident the transaction resolved.
 */
export function createBatchGrouping(tx: Executor, ctx: GroupingContext) {
  const states = new Map<string, ServiceState>();
  /** Existing incidents joined since the last flush. */
  const joined = new Map<string, Candidate>();

  /**
   * `alsoLock`: the incidents the batch's acknowledges and resolves will change. They are locked in
   * the same statement as the candidates, in id order, as escalation's assignment batches lock
   * theirs: locking them one by one later, out of order, deadlocked with those batches in a storm.
   */
  async function load(alerts: readonly NewAlert[], alsoLock: readonly string[] = []): Promise<void> {
    const todo = new Map<string, { service: ServiceSnapshot | undefined; contents: AlertContent[]; at: Date }>();
    for (const a of alerts) {
      if (states.has(a.serviceId) || policyOf(a.service).type === 'none') continue;
      const entry = todo.get(a.serviceId) ?? { service: a.service, contents: [], at: a.at };
      entry.contents.push(a.content);
      todo.set(a.serviceId, entry);
    }
    const requests = [...todo].map(([serviceId, { service, contents }]) =>
      candidateRequest(serviceId, service, contents),
    );
    const candidateIds = requests.length > 0 ? await groupingCandidateIds(tx, requests) : [];
    const locked = await lockIncidents(tx, [...new Set([...candidateIds, ...alsoLock])]);
    if (todo.size === 0) return;
    const candidates = new Set(candidateIds);
    const rows = locked.filter((r) => candidates.has(r.id));
    const alertRows = await alertsOfIncidents(
      tx,
      rows.map((r) => r.id),
      ALERTS_PER_CANDIDATE,
    );
    const alertsOf = new Map<string, AlertContent[]>();
    for (const a of alertRows) {
      if (!a.incidentId) continue;
      const list = alertsOf.get(a.incidentId) ?? [];
      list.push(contentOf(a));
      alertsOf.set(a.incidentId, list);
    }
    for (const [serviceId, { service, at }] of todo) {
      const policy = policyOf(service);
      states.set(serviceId, {
        service,
        candidates: rows
          .filter((r) => r.serviceId === serviceId && r.status !== 'resolved')
          .map((r) => ({
            id: r.id,
            status: r.status,
            window:
              r.windowStartedAt && r.windowLastGroupedAt
                ? { startedAt: r.windowStartedAt, lastGroupedAt: r.windowLastGroupedAt }
                : null,
            alerts: alertsOf.get(r.id) ?? [],
            alertCount: r.alertCount,
            isNew: false,
          })),
        arrivals: usesRecommendedWindow(service?.alert_grouping_parameters)
          ? (await recentServiceAlerts(tx, serviceId, new Date(at.getTime() - HOUR_MS), RECENT_ARRIVALS)).map(
              (a) => a.createdAt,
            )
          : undefined,
        model: isIntelligent(policy) ? await ctx.models.load(tx, serviceId) : undefined,
        modelChangedAt: undefined,
      });
    }
  }

  /** Decides where the alert goes and remembers it: call `opened` when it opens an incident. */
  function place(alert: NewAlert): Placement {
    const state = states.get(alert.serviceId);
    if (!state) return { open: true, policy: policyOf(alert.service), window: null };
    const { content, at } = alert;
    const window = state.arrivals ? recommendedTimeWindow(state.arrivals) : undefined;
    const policy = policyOf(state.service, window);
    const decision: GroupingDecision = decideGrouping(policy, {
      alert: content,
      now: at,
      incidents: candidatesFor(policy, state.candidates),
      ...(state.model ? { model: state.model } : {}),
    });
    if (state.model) {
      observeAlert(state.model, content, modelFields(policy));
      state.modelChangedAt = at;
    }
    if (state.arrivals) state.arrivals = [...state.arrivals, at].slice(-RECENT_ARRIVALS);
    const target = 'join' in decision ? state.candidates.find((c) => c.id === decision.join) : undefined;
    // A full incident takes no more alerts: the alert opens its own.
    if ('join' in decision && target && lifecycle.canAddAlert(target)) {
      target.window = decision.window;
      target.alertCount += 1;
      target.alerts = [...target.alerts, content].slice(-ALERTS_PER_CANDIDATE);
      if (!target.isNew) joined.set(target.id, target);
      ctx.log.debug({ incidentId: target.id, score: decision.score }, 'alert_grouped');
      return { join: target.id, window: decision.window, score: decision.score };
    }
    return { open: true, policy, window: decision.window };
  }

  /** An incident the batch opened: later alerts may join it. */
  function opened(serviceId: string, id: string, window: GroupingWindow | null, content: AlertContent): void {
    const state = states.get(serviceId);
    if (!state || !window) return;
    state.candidates.push({ id, status: 'triggered', window, alerts: [content], alertCount: 1, isNew: true });
  }

  async function flush(): Promise<void> {
    const updates = [...joined.values()];
    joined.clear();
    if (updates.length > 0) {
      await tx.execute(sql`update ${incidents} i set
          alert_count = v.alert_count, window_started_at = v.started_at, window_last_grouped_at = v.last_grouped_at,
          version = i.version + 1, updated_at = v.last_grouped_at
        from unnest(${sql.param(updates.map((c) => c.id))}::text[],
          ${sql.param(updates.map((c) => c.alertCount))}::int[],
          ${sql.param(updates.map((c) => c.window?.startedAt.toISOString() ?? null))}::timestamptz[],
          ${sql.param(updates.map((c) => c.window?.lastGroupedAt.toISOString() ?? null))}::timestamptz[])
          as v(id, alert_count, started_at, last_grouped_at)
        where i.id = v.id`);
    }
    for (const [serviceId, state] of states) {
      // The caller stored the incidents the batch opened with this flush: later joins update them here.
      for (const c of state.candidates) c.isNew = false;
      if (!state.model || !state.modelChangedAt) continue;
      await ctx.models.save(tx, serviceId, state.model, state.modelChangedAt);
      state.modelChangedAt = undefined;
    }
  }

  /** The incident was resolved in the transaction: grouping never adds to it again. */
  function resolved(incidentId: string): void {
    for (const state of states.values()) state.candidates = state.candidates.filter((c) => c.id !== incidentId);
  }

  return { load, place, opened, flush, resolved };
}

/** The incidents one decision looks at: content matches all, the others the most recently grouped few. */
function candidatesFor(policy: GroupingPolicy, candidates: readonly Candidate[]): Candidate[] {
  if (policy.type === 'content_based' || policy.type === 'content_based_intelligent') return [...candidates];
  const recency = (c: Candidate) => c.window?.lastGroupedAt.getTime() ?? 0;
  return [...candidates].sort((a, b) => recency(b) - recency(a)).slice(0, CANDIDATES_PER_SERVICE);
}

function candidateRequest(
  serviceId: string,
  service: ServiceSnapshot | undefined,
  contents: readonly AlertContent[],
): CandidateRequest {
  const policy = policyOf(service);
  if (policy.type !== 'content_based' && policy.type !== 'content_based_intelligent') return { serviceId };
  return {
    serviceId,
    content: {
      fields: policy.fields,
      aggregate: policy.aggregate,
      values: contents.map((c) => policy.fields.map((f) => fieldValue(c, f))),
    },
  };
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
