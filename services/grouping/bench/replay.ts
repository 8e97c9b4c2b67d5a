/**
 * Replays benchmark events through the real domain: dedup -> grouping -> incident lifecycle (alerts
 * resolving, auto-resolve and ack-timeout timers, a responder acknowledging after five minutes).
 * With `learn`, a simulated responder works the TRAIN split from the labels: an alert grouped into an
 * incident of another true incident is moved out (learnSplit), and an incident opened for an alert
 * whose true incident is already open is merged into it (learnMerge). The test split is never
 * touched by the responder.
 */
import type { AlertContent } from '../src/domain/alert-content';
import { decideDedup } from '../src/domain/dedup';
import { decideGrouping, modelFields } from '../src/domain/grouping';
import type { GroupingPolicy } from '../src/domain/grouping/policy';
import type { CandidateIncident } from '../src/domain/grouping/strategy';
import type { GroupingWindow } from '../src/domain/grouping/window';
import * as life from '../src/domain/incident-lifecycle';
import { learnMerge, learnSplit, observeAlert } from '../src/domain/intelligent/feedback';
import { createModel, type IntelligentModelState } from '../src/domain/intelligent/model-state';
import type { BenchEvent } from './generate-alerts';

export interface ReplayAlert {
  id: number;
  content: AlertContent;
  label: string;
  split: 'train' | 'test';
  service: string;
  status: 'triggered' | 'resolved';
  incidentId: string;
}

interface Incident {
  state: life.IncidentState;
  window: GroupingWindow | null;
  alerts: ReplayAlert[];
}

interface Timer {
  at: number;
  kind: life.TimerKind;
  incidentId: string;
}

export interface ReplayResult {
  alerts: ReplayAlert[];
  incidents: number;
  merges: number;
  splits: number;
  models: Map<string, IntelligentModelState>;
}

const TIMEOUTS: life.ServiceTimeouts = { acknowledgementTimeout: 1800, autoResolveTimeout: 14_400 };
const ACK_AFTER_MS = 5 * 60_000;
/** As group-alert.ts gives them: each candidate's latest 50 alerts. */
const CANDIDATE_ALERTS = 50;

export function replay(
  events: readonly BenchEvent[],
  policy: GroupingPolicy,
  opts: { learn?: boolean; threshold?: number } = {},
): ReplayResult {
  const fields = modelFields(policy);
  const alerts: ReplayAlert[] = [];
  const byKey = new Map<string, ReplayAlert>();
  const incidents = new Map<string, Incident>();
  const open = new Map<string, Set<string>>();
  const timers = new Map<string, Timer[]>();
  const models = new Map<string, IntelligentModelState>();
  let merges = 0;
  let splits = 0;

  const openOf = (service: string) =>
    open.get(service) ?? open.set(service, new Set()).get(service) ?? new Set<string>();
  const model = (service: string) =>
    models.get(service) ?? models.set(service, createModel(opts.threshold)).get(service) ?? createModel();

  function apply(service: string, inc: Incident, t: life.LifecycleResult) {
    if (!t.ok) return;
    inc.state = t.incident;
    const list = timers.get(service) ?? [];
    for (const cmd of t.timers) {
      const kept = list.filter((x) => !(x.incidentId === inc.state.id && x.kind === cmd.kind));
      list.length = 0;
      list.push(...kept);
      if ('arm' in cmd) list.push({ at: cmd.arm.getTime(), kind: cmd.kind, incidentId: inc.state.id });
    }
    timers.set(service, list);
    if (inc.state.status === 'resolved') {
      openOf(service).delete(inc.state.id);
      // Resolving an incident resolves its alerts: their keys then open new alerts.
      for (const a of inc.alerts) a.status = 'resolved';
    }
  }

  function advance(service: string, now: number) {
    const due = (timers.get(service) ?? []).filter((x) => x.at <= now).sort((a, b) => a.at - b.at);
    for (const timer of due) {
      const inc = incidents.get(timer.incidentId);
      if (inc) apply(service, inc, life.fireTimer(inc.state, timer.kind, new Date(timer.at)));
      timers.set(
        service,
        (timers.get(service) ?? []).filter((x) => x !== timer),
      );
    }
    for (const id of openOf(service)) {
      const inc = incidents.get(id);
      if (inc?.state.status === 'triggered' && now - inc.state.lastStatusChangeAt.getTime() >= ACK_AFTER_MS) {
        apply(service, inc, life.acknowledge(inc.state, new Date(now), TIMEOUTS));
      }
    }
  }

  function openFor(alert: ReplayAlert, now: Date, window: GroupingWindow | null) {
    const id = `I${incidents.size + 1}`;
    const t = life.openIncident({
      id,
      title: alert.content.summary,
      urgency: 'high',
      assigneeIds: ['PUSER01'],
      now,
      timeouts: TIMEOUTS,
    });
    const inc: Incident = { state: t.incident, window, alerts: [alert] };
    incidents.set(id, inc);
    openOf(alert.service).add(id);
    apply(alert.service, inc, t);
    alert.incidentId = id;
    return inc;
  }

  const majority = (inc: Incident) => {
    const counts = new Map<string, number>();
    for (const a of inc.alerts) counts.set(a.label, (counts.get(a.label) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  };

  function respond(alert: ReplayAlert, now: Date) {
    const svc = alert.service;
    let inc = incidents.get(alert.incidentId);
    if (!inc) return;
    if (inc.alerts.length > 1 && majority(inc) !== alert.label) {
      learnSplit(
        model(svc),
        { alert: alert.content, from: inc.alerts.filter((a) => a !== alert).map((a) => a.content) },
        fields,
      );
      inc.alerts = inc.alerts.filter((a) => a !== alert);
      inc.state = { ...inc.state, alertCount: inc.state.alertCount - 1 };
      inc = openFor(alert, now, { startedAt: now, lastGroupedAt: now });
      splits++;
    }
    const target = [...openOf(svc)]
      .map((id) => incidents.get(id))
      .find((o) => o && o !== inc && majority(o) === alert.label);
    if (!target) return;
    const result = life.merge(target.state, [inc.state], now);
    if (!result.ok) return;
    learnMerge(
      model(svc),
      { source: inc.alerts.map((a) => a.content), target: target.alerts.map((a) => a.content) },
      fields,
    );
    for (const a of inc.alerts) a.incidentId = target.state.id;
    target.alerts.push(...inc.alerts);
    inc.alerts = [];
    apply(svc, target, result.target);
    apply(svc, inc, result.sources[0] ?? result.target);
    merges++;
  }

  for (const e of events) {
    const now = new Date(e.at);
    advance(e.service, now.getTime());
    const k = `${e.integration}|${e.dedup_key}`;
    const existing = byKey.get(k);
    const decision = decideDedup(
      { action: e.action, dedupKey: e.dedup_key, integrationId: e.integration, routingStatus: 'active' },
      existing && {
        alertId: String(existing.id),
        integrationId: e.integration,
        dedupKey: e.dedup_key,
        status: existing.status,
      },
    );
    if (decision.kind === 'resolve-alert' && existing) {
      existing.status = 'resolved';
      const inc = incidents.get(existing.incidentId);
      if (inc)
        apply(
          e.service,
          inc,
          life.alertsResolved(inc.state, inc.alerts.filter((a) => a.status === 'triggered').length, now),
        );
    }
    if (decision.kind !== 'new-alert' || !e.payload || !e.label || !e.split) continue;
    const p = e.payload as Record<string, string> & { custom_details?: Record<string, unknown> };
    const content: AlertContent = {
      summary: p.summary ?? '',
      source: p.source ?? '',
      severity: p.severity ?? 'error',
      component: p.component,
      class: p.class,
      group: p.group,
      customDetails: p.custom_details,
    };
    const alert: ReplayAlert = {
      id: alerts.length,
      content,
      label: e.label,
      split: e.split,
      service: e.service,
      status: 'triggered',
      incidentId: '',
    };
    alerts.push(alert);
    byKey.set(k, alert);
    const candidates: CandidateIncident[] = [...openOf(e.service)].flatMap((id) => {
      const inc = incidents.get(id);
      return inc
        ? [
            {
              id,
              status: inc.state.status,
              window: inc.window,
              alerts: inc.alerts.slice(-CANDIDATE_ALERTS).map((a) => a.content),
            },
          ]
        : [];
    });
    const svcModel = model(e.service);
    const d = decideGrouping(policy, { alert: content, now, incidents: candidates, model: svcModel });
    const joined = 'join' in d ? incidents.get(d.join) : undefined;
    if (joined && 'join' in d) {
      joined.window = d.window;
      joined.alerts.push(alert);
      alert.incidentId = d.join;
      apply(e.service, joined, life.addAlert(joined.state));
    } else openFor(alert, now, d.window);
    observeAlert(svcModel, content, fields);
    if (opts.learn && e.split === 'train') respond(alert, now);
  }
  return { alerts, incidents: incidents.size, merges, splits, models };
}
