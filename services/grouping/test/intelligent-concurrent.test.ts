/**
 * Intelligent grouping on small hand-written cases of what production looks like: unrelated
 * outages at once on one service, one outage reported by many hosts, and responders correcting it.
 */
import type { AlertContent } from '../src/domain/alert-content';
import { decideGrouping } from '../src/domain/grouping';
import { groupingPolicy } from '../src/domain/grouping/policy';
import type { CandidateIncident } from '../src/domain/grouping/strategy';
import { learnMerge, learnSplit, observeAlert } from '../src/domain/intelligent/feedback';
import { createModel, type IntelligentModelState, parseModel } from '../src/domain/intelligent/model-state';

const FIELDS = ['summary'];
const policy = groupingPolicy({ type: 'intelligent', config: { time_window: 1800 } });
const t0 = Date.parse('2026-05-04T10:00:00Z');
const alert = (summary: string, component?: string, cls?: string): AlertContent => ({
  summary,
  source: 'checkout.prod.internal',
  severity: 'error',
  ...(component ? { component } : {}),
  ...(cls ? { class: cls } : {}),
});

/** A service that has seen a varied history, so idf means something. */
function history(): IntelligentModelState {
  const model = createModel();
  const past = [
    alert('Disk usage 91% on checkout-db-03 /var/lib/postgresql', 'filesystem', 'disk'),
    alert('High CPU usage on checkout-worker-02: 97%', 'node-exporter', 'cpu'),
    alert('Backup job nightly-base-backup run 8f3a2c91d failed on checkout-db-01', 'cron', 'backup'),
    alert('TLS certificate for api.checkout.example.com expires in 12 days', 'blackbox', 'certificate'),
    alert('Consumer lag 5321 on topic checkout.orders.v2 partition 7', 'kafka', 'lag'),
    alert('Memory usage 88% on checkout-web-02 (checkout-api RSS growing)', 'node-exporter', 'memory'),
    alert('Host checkout-web-07 unreachable', 'nagios', 'host'),
    alert('Redis checkout-redis evicting keys: 1200/s on checkout-cache-01', 'redis', 'eviction'),
    alert('checkout 5xx error rate 12% above threshold', 'api', 'errors'),
    alert('checkout-web-04: connection refused to orders-pg:5432', 'api', 'connectivity'),
  ];
  for (let i = 0; i < 4; i++) for (const a of past) observeAlert(model, a, FIELDS);
  return model;
}

/** Replays alerts one minute apart through the strategy; returns the incident index of each. */
function group(model: IntelligentModelState, alerts: readonly AlertContent[]): number[] {
  const incidents: { id: string; alerts: AlertContent[] }[] = [];
  return alerts.map((a, i) => {
    const now = new Date(t0 + i * 60_000);
    const candidates: CandidateIncident[] = incidents.map((inc) => ({
      id: inc.id,
      status: 'triggered',
      window: { startedAt: new Date(t0), lastGroupedAt: now },
      alerts: inc.alerts,
    }));
    const d = decideGrouping(policy, { alert: a, now, incidents: candidates, model });
    observeAlert(model, a, FIELDS);
    const joined = 'join' in d ? incidents.findIndex((inc) => inc.id === d.join) : -1;
    if (joined >= 0) {
      incidents[joined]?.alerts.push(a);
      return joined;
    }
    incidents.push({ id: `P${incidents.length}`, alerts: [a] });
    return incidents.length - 1;
  });
}

describe('concurrent outages on one service', () => {
  it('a database failover and a disk filling on the same host, interleaved, stay two incidents', () => {
    const stream = [
      alert('PostgreSQL primary orders-pg on checkout-db-02 is down', 'postgres', 'availability'),
      alert('Disk usage 93% on checkout-db-02 /var/lib/postgresql', 'filesystem', 'disk'),
      alert('checkout-web-03: connection refused to orders-pg:5432', 'api', 'connectivity'),
      alert('Low disk space on checkout-db-02: 95% used', 'filesystem', 'disk'),
      alert('checkout-web-09: connection refused to orders-pg:5432', 'api', 'connectivity'),
      alert('Write errors on checkout-db-02: no space left on device', 'filesystem', 'disk'),
      alert(
        'api pod checkout-api-7d9f8b6c5-x2kqp cannot reach database orders-pg: timeout after 3000ms',
        'api',
        'connectivity',
      ),
    ];
    expect(group(history(), stream)).toEqual([0, 1, 0, 1, 0, 1, 0]);
  });

  it('a third, unrelated cause opens its own incident', () => {
    const stream = [
      alert('Consumer lag 812 on topic checkout.orders.v2 partition 3', 'kafka', 'lag'),
      alert('TLS certificate for api.checkout.example.com expires in 3 days', 'blackbox', 'certificate'),
      alert('Consumer lag 4410 on topic checkout.orders.v2 partition 9', 'kafka', 'lag'),
      alert('High CPU usage on checkout-worker-05: 99%', 'node-exporter', 'cpu'),
    ];
    expect(group(history(), stream)).toEqual([0, 1, 0, 2]);
  });

  it('the same cause from ten hosts, in two wordings, is one incident', () => {
    const stream = Array.from({ length: 10 }, (_, i) =>
      i % 3 === 2
        ? alert(
            `SQLSTATE 08006 connection failure to orders-pg from checkout-web-${String(i + 1).padStart(2, '0')}`,
            'api',
            'connectivity',
          )
        : alert(
            `checkout-web-${String(i + 1).padStart(2, '0')}: connection refused to orders-pg:5432`,
            'api',
            'connectivity',
          ),
    );
    expect(new Set(group(history(), stream))).toEqual(new Set([0]));
  });

  it('a host storm named by cloud addresses is one incident', () => {
    const stream = Array.from({ length: 10 }, (_, i) =>
      alert(`Host ip-10-0-${i}-${40 + i}.ec2.internal unreachable`, 'nagios', 'host'),
    );
    expect(new Set(group(history(), stream))).toEqual(new Set([0]));
  });
});

describe('responders teach the service', () => {
  const failover = [alert('checkout-web-03: connection refused to orders-pg:5432', 'api', 'connectivity')];
  const errors = alert('checkout 5xx error rate 31% above threshold', 'api', 'errors');
  const decide = (model: IntelligentModelState, a: AlertContent, incident: AlertContent[]) =>
    decideGrouping(policy, {
      alert: a,
      now: new Date(t0),
      incidents: [
        {
          id: 'PINC',
          status: 'triggered',
          window: { startedAt: new Date(t0), lastGroupedAt: new Date(t0) },
          alerts: incident,
        },
      ],
      model,
    });

  it('a merge makes the next similar pair join, on that service only', () => {
    const model = history();
    const other = history();
    expect(decide(model, errors, failover)).toMatchObject({ open: true });
    learnMerge(
      model,
      {
        source: [alert('checkout 5xx error rate 18% above threshold', 'api', 'errors')],
        target: [alert('checkout-web-11: connection refused to orders-pg:5432', 'api', 'connectivity')],
      },
      FIELDS,
    );
    expect(decide(model, errors, failover)).toMatchObject({ join: 'PINC' });
    expect(decide(other, errors, failover)).toMatchObject({ open: true });
  });

  it('a split makes the next similar pair stay apart', () => {
    const model = history();
    const disk = [alert('Disk usage 93% on checkout-db-07 /var/lib/postgresql', 'filesystem', 'disk')];
    const wal = alert('Disk usage 90% on checkout-db-03 /var/lib/postgresql/pg_wal', 'filesystem', 'disk');
    expect(decide(model, wal, disk)).toMatchObject({ join: 'PINC' });
    learnSplit(
      model,
      {
        alert: alert('Disk usage 97% on checkout-db-01 /var/lib/postgresql/pg_wal', 'filesystem', 'disk'),
        from: [alert('Disk usage 94% on checkout-db-06 /var/lib/postgresql', 'filesystem', 'disk')],
      },
      FIELDS,
    );
    expect(decide(model, wal, disk)).toMatchObject({ open: true });
    expect(model.splits).toBe(1);
  });

  it('a merge carries over to other wordings of the same two checks', () => {
    const model = history();
    const other = history();
    const primaryDown = [alert('PostgreSQL primary orders-pg on checkout-db-02 is down', 'postgres', 'availability')];
    const elevated = alert('Elevated HTTP 5xx errors on checkout (41%)', 'api', 'errors');
    expect(decide(model, elevated, primaryDown)).toMatchObject({ open: true });
    learnMerge(
      model,
      {
        source: [alert('checkout 5xx error rate 18% above threshold', 'api', 'errors')],
        target: [alert('Patroni: leader lost for cluster ledger-pg, failover started', 'postgres', 'availability')],
      },
      FIELDS,
    );
    expect(decide(model, elevated, primaryDown)).toMatchObject({ join: 'PINC' });
    expect(decide(other, elevated, primaryDown)).toMatchObject({ open: true });
  });

  it('a split carries over to other wordings of the same two checks', () => {
    const model = history();
    const oom = [
      alert('Container checkout-api in pod checkout-api-7d9f8b6c5-x2kqp OOMKilled (limit 512Mi)', 'kubernetes', 'oom'),
    ];
    const regression = alert(
      'New issue in checkout-api release v2.3.1: NullPointerException at OrderMapper.java:88',
      'sentry',
      'exception',
    );
    expect(decide(model, regression, oom)).toMatchObject({ join: 'PINC' });
    learnSplit(
      model,
      {
        alert: alert(
          "Sentry: TypeError: Cannot read properties of undefined (reading 'id') in checkout-api (40 events)",
          'sentry',
          'exception',
        ),
        from: [
          alert(
            'Pod checkout-api-5c8d7f9b4-q8wzt (checkout-api) restarted 7 times: CrashLoopBackOff',
            'kubernetes',
            'oom',
          ),
        ],
      },
      FIELDS,
    );
    expect(decide(model, regression, oom)).toMatchObject({ open: true });
  });

  it('the threshold is learned per service: missed merges lower it, wrong joins raise it', () => {
    const looser = history();
    learnMerge(looser, { source: [errors], target: failover }, FIELDS);
    expect(looser.threshold).toBeLessThan(createModel().threshold);
    const stricter = history();
    learnSplit(
      stricter,
      {
        alert: alert('Disk usage 97% on checkout-db-01 /data', 'filesystem', 'disk'),
        from: [alert('Disk usage 94% on checkout-db-06 /data', 'filesystem', 'disk')],
      },
      FIELDS,
    );
    expect(stricter.threshold).toBeGreaterThan(createModel().threshold);
  });
});

describe('stored model', () => {
  it('an old-shaped (version 1) row still loads: idf, evidence, affinities and threshold kept', () => {
    const v1 = {
      version: 1,
      alerts: 12,
      df: { disk: 4, latency: 2 },
      affinity: { 'cpu|latency': 0.4 },
      cooccurrence: { 'cpu|disk': 3 },
      evidence: { '0a0b0c0d|1a1b1c1d': 2 },
      threshold: 0.5,
      merges: 2,
      splits: 1,
    };
    const model = parseModel(JSON.parse(JSON.stringify(v1)));
    expect(model).toEqual({
      version: 2,
      alerts: 12,
      df: { disk: 4, latency: 2 },
      affinity: { cpu: { latency: 0.4 }, latency: { cpu: 0.4 } },
      evidence: { '0a0b0c0d': { '1a1b1c1d': 2 }, '1a1b1c1d': { '0a0b0c0d': 2 } },
      threshold: 0.5,
      merges: 2,
      splits: 1,
    });
    expect(parseModel(JSON.parse(JSON.stringify(model)))).toEqual(model);
  });
});
