/**
 * CPU cost of one intelligent grouping decision against a service with many open incidents: the
 * decision alone (candidates and model already in memory), as group-alert.ts makes it after its
 * reads. Incidents are real labelled incidents of the benchmark set (their first 50 alerts, as
 * group-alert.ts loads them), all open and within their window; the model has observed them.
 * `warm`: the same model object decides again and again, so its cache (model-cache.ts) holds the
 * incidents' templates, as when a caller keeps each service's parsed model between events;
 * `cold`: the model read back from its stored JSON, so every candidate alert is tokenized anew, as
 * when the model row is parsed for each event; measured on the first call.
 */
import type { AlertContent } from '../src/domain/alert-content';
import { decideGrouping } from '../src/domain/grouping';
import { groupingPolicy } from '../src/domain/grouping/policy';
import type { CandidateIncident } from '../src/domain/grouping/strategy';
import { observeAlert } from '../src/domain/intelligent/feedback';
import { createModel, parseModel } from '../src/domain/intelligent/model-state';
import type { BenchEvent } from './generate-alerts';

export interface CostResult {
  incidents: number;
  alerts: number;
  decisions: number;
  warmMs: number;
  coldMs: number;
}

const contentOf = (e: BenchEvent): AlertContent => {
  const p = e.payload as Record<string, string>;
  return {
    summary: p.summary ?? '',
    source: p.source ?? '',
    severity: p.severity ?? 'error',
    component: p.component,
    class: p.class,
    group: p.group,
  };
};

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

export function groupingCost(events: readonly BenchEvent[], openIncidents = 500, decisions = 1000): CostResult {
  const policy = groupingPolicy({ type: 'intelligent', config: { time_window: 1800 } });
  const fields = ['summary'];
  const triggers = events.filter((e) => e.action === 'trigger' && e.label && e.payload);
  const byLabel = new Map<string, AlertContent[]>();
  for (const e of triggers) {
    const list = byLabel.get(e.label as string) ?? [];
    if (list.length < 50) list.push(contentOf(e));
    byLabel.set(e.label as string, list);
  }
  const labels = [...byLabel.keys()].slice(0, openIncidents);
  const now = new Date(Date.parse(events[0]?.at ?? '2026-03-02T00:00:00Z'));
  const model = createModel();
  const incidents: CandidateIncident[] = labels.map((label, i) => {
    const alerts = byLabel.get(label) ?? [];
    for (const a of alerts) observeAlert(model, a, fields);
    return { id: `P${i}`, status: 'triggered', window: { startedAt: now, lastGroupedAt: now }, alerts };
  });
  const probes = triggers.slice(-decisions).map(contentOf);
  const stored = parseModel(JSON.parse(JSON.stringify(model)));
  const coldStart = process.cpuUsage();
  decideGrouping(policy, { alert: probes[0] ?? contentOf(triggers[0] as BenchEvent), now, incidents, model: stored });
  const coldMs = cpuMs(coldStart);
  for (const probe of probes.slice(0, 50)) decideGrouping(policy, { alert: probe, now, incidents, model });
  const start = process.cpuUsage();
  for (const probe of probes) decideGrouping(policy, { alert: probe, now, incidents, model });
  return {
    incidents: incidents.length,
    alerts: incidents.reduce((n, i) => n + i.alerts.length, 0),
    decisions: probes.length,
    warmMs: cpuMs(start) / probes.length,
    coldMs,
  };
}
