import type { AlertContent } from '../src/domain/alert-content';
import { decideGrouping } from '../src/domain/grouping';
import { groupingPolicy } from '../src/domain/grouping/policy';
import type { CandidateIncident } from '../src/domain/grouping/strategy';
import { learnMerge, learnSplit, observeAlert } from '../src/domain/intelligent/feedback';
import { createModel, type IntelligentModelState, parseModel } from '../src/domain/intelligent/model-state';
import { createScorer, incidentSimilarity } from '../src/domain/intelligent/similarity';
import { tokenize } from '../src/domain/intelligent/tokenize';

const FIELDS = ['summary'];
const alert = (summary: string, source = 'app.prod'): AlertContent => ({ summary, source, severity: 'error' });
const now = new Date('2026-05-04T10:00:00Z');
const open = (id: string, alerts: AlertContent[]): CandidateIncident => ({
  id,
  status: 'triggered',
  window: { startedAt: now, lastGroupedAt: now },
  alerts,
});

/** A model that has seen a varied history, so idf means something. */
function trained(): IntelligentModelState {
  const model = createModel();
  const history = [
    'Disk usage 91% on db-03 /var/lib/data',
    'High CPU usage on web-12: 97%',
    'Backup job 8f3a2c91d failed on db-01',
    'SSL certificate for shop.example.com expires in 12 days',
    'Consumer lag 5321 on topic orders.events partition 7',
    'Memory usage 88% on worker-02',
    'Host web-07 unreachable',
    'Redis cache-01 evicting keys: 1200/s',
  ];
  for (let i = 0; i < 3; i++) for (const s of history) observeAlert(model, alert(s), FIELDS);
  return model;
}

describe('tokenize', () => {
  it.each([
    ['Host web-07 unreachable', ['host', '<host>', 'unreachable']],
    ['web07 down', ['web<n>', 'down']],
    ['Timeout from 10.0.3.17:5432', ['timeout', '<ip>']],
    ['request 3f2b6c1e-9a4d-4c8e-b1a2-0c9d8e7f6a5b failed', ['request', '<uuid>', 'fail']],
    ['commit deadbeef42 broke the build', ['commit', '<id>', 'broke', 'build']],
    ['p99 latency 350ms on the API', ['p<n>', 'latency', '<dur>', 'api']],
    ['lag 3m12s on 10.1.2.3 and ip-10-1-2-3.ec2.internal', ['lag', '<dur>', '<ip>', '<host>']],
    ['pod checkout-api-7d9f8b6c5-x2kqp OOMKilled', ['pod', 'checkout', 'api', '<pod>', 'oomkill']],
    ['Errors exceeded thresholds', ['error', 'exceed', 'threshold']],
  ])('%s', (text, expected) => {
    expect(tokenize(text)).toEqual(expected);
  });
});

describe('similarity', () => {
  const model = trained();
  const incident = [alert('Disk usage 93% on db-07 /var/lib/data')];
  it.each([
    ['the same template with other numbers', 'Disk usage 97% on db-02 /var/lib/data', 0.8, 1.01],
    ['a paraphrase', 'Low disk usage on db-04: 95% used', 0.15, 0.8],
    ['an unrelated alert', 'SSL certificate for shop.example.com expires in 3 days', 0, 0.1],
    ['another unrelated alert', 'Consumer lag 12 on topic orders.events partition 2', 0, 0.1],
  ])('%s', (_name, summary, lo, hi) => {
    const s = incidentSimilarity(model, alert(summary), incident, FIELDS);
    expect(s).toBeGreaterThanOrEqual(lo);
    expect(s).toBeLessThan(hi);
  });

  it('ranks paraphrases above unrelated alerts', () => {
    const paraphrase = incidentSimilarity(model, alert('db-09 filesystem /var/lib/data is 92% full'), incident, FIELDS);
    const unrelated = incidentSimilarity(model, alert('Redis cache-02 evicting keys: 800/s'), incident, FIELDS);
    expect(paraphrase).toBeGreaterThan(unrelated + 0.2);
  });
});

describe('intelligent grouping', () => {
  const policy = groupingPolicy({ type: 'intelligent', config: { time_window: 600 } });
  it('joins the most similar open incident, not the most recent', () => {
    const model = trained();
    const incidents = [
      open('PDISK', [alert('Disk usage 93% on db-07 /var/lib/data')]),
      open('PCPU', [alert('High CPU usage on web-01: 99%')]),
    ];
    const d = decideGrouping(policy, { alert: alert('Disk usage 96% on db-01 /var/lib/data'), now, incidents, model });
    expect(d).toMatchObject({ join: 'PDISK' });
  });

  it('opens a new incident for an unrelated alert', () => {
    const d = decideGrouping(policy, {
      alert: alert('SSL certificate for api.example.com expires in 5 days'),
      now,
      incidents: [open('PDISK', [alert('Disk usage 93% on db-07 /var/lib/data')])],
      model: trained(),
    });
    expect(d).toMatchObject({ open: true });
  });

  it('content_based_intelligent: the content gate comes first', () => {
    const gated = groupingPolicy({
      type: 'content_based_intelligent',
      config: { aggregate: 'all', fields: ['source'], time_window: 600 },
    });
    const input = { alert: alert('Disk usage 96% on db-01 /var/lib/data', 'db-01'), now, model: trained() };
    const incidents = [open('PDISK', [alert('Disk usage 93% on db-07 /var/lib/data', 'db-07')])];
    expect(decideGrouping(gated, { ...input, incidents })).toMatchObject({ open: true });
    const same = [open('PDISK', [alert('Disk usage 93% on db-07 /var/lib/data', 'db-01')])];
    expect(decideGrouping(gated, { ...input, incidents: same })).toMatchObject({ join: 'PDISK' });
  });
});

describe('learning from responders', () => {
  const policy = groupingPolicy({ type: 'intelligent', config: { time_window: 600 } });
  const cpu = [alert('High CPU usage on db-02: 97%')];
  const slow = alert('Slow queries on db-02: p99 2300ms');

  it('a merge makes alerts like the merged ones join', () => {
    const model = trained();
    const before = decideGrouping(policy, { alert: slow, now, incidents: [open('PCPU', cpu)], model });
    expect(before).toMatchObject({ open: true });
    learnMerge(
      model,
      { source: [alert('Slow queries on db-05: p99 1800ms')], target: [alert('High CPU usage on db-05: 91%')] },
      FIELDS,
    );
    const after = decideGrouping(policy, { alert: slow, now, incidents: [open('PCPU', cpu)], model });
    expect(after).toMatchObject({ join: 'PCPU' });
    expect(after.score ?? 0).toBeGreaterThan(before.score ?? 0);
    expect(model.merges).toBe(1);
  });

  it('moving an alert out makes such alerts stop joining', () => {
    const model = trained();
    const disk = [alert('Disk usage 93% on db-07 /var/lib/data')];
    const backlog = alert('Disk usage 90% on db-03 /var/lib/logs');
    const before = decideGrouping(policy, { alert: backlog, now, incidents: [open('PDISK', disk)], model });
    expect(before).toMatchObject({ join: 'PDISK' });
    learnSplit(
      model,
      { alert: alert('Disk usage 92% on db-01 /var/lib/logs'), from: [alert('Disk usage 94% on db-06 /var/lib/data')] },
      FIELDS,
    );
    const after = decideGrouping(policy, { alert: backlog, now, incidents: [open('PDISK', disk)], model });
    expect(after).toMatchObject({ open: true });
    expect(model.splits).toBe(1);
  });

  it('the model survives a JSON round trip and bad input', () => {
    const model = trained();
    learnMerge(model, { source: [slow], target: cpu }, FIELDS);
    const restored = parseModel(JSON.parse(JSON.stringify(model)));
    expect(restored).toEqual(model);
    expect(incidentSimilarity(restored, slow, cpu, FIELDS)).toBeCloseTo(incidentSimilarity(model, slow, cpu, FIELDS));
    expect(parseModel({ version: 3 })).toEqual(createModel());
    expect(parseModel('nonsense')).toEqual(createModel());
  });

  it('tokens named like Object.prototype members are plain tokens', () => {
    const model = createModel();
    observeAlert(model, alert('constructor toString hasOwnProperty failed'), FIELDS);
    expect(model.df.constructor).toBe(1);
  });
});

describe("the model's cache", () => {
  /** Distinct letter-only words, so each one is a new feature (digits would be normalized away). */
  const word = (i: number) =>
    Array.from({ length: 4 }, (_, k) => String.fromCharCode(97 + (Math.floor(i / 26 ** k) % 26))).join('');

  it('stays out of the stored model and out of equality', () => {
    const model = trained();
    incidentSimilarity(
      model,
      alert('Disk usage 97% on db-02 /var/lib/data'),
      [alert('Host web-07 unreachable')],
      FIELDS,
    );
    expect(Object.keys(model).sort()).toEqual(Object.keys(createModel()).sort());
    expect(parseModel(JSON.parse(JSON.stringify(model)))).toEqual(model);
  });

  it('a warm model scores exactly as the same model read back from JSON, also after its vocabulary was pruned', () => {
    const model = trained();
    const incident = [alert('Disk usage 93% on db-07 /var/lib/data quuxly'), alert('Memory usage 88% on worker-02')];
    const probe = alert('db-09 filesystem /var/lib/data is 92% full quuxly');
    incidentSimilarity(model, probe, incident, FIELDS);
    let next = 0;
    const filler = () => alert(Array.from({ length: 9 }, () => word(next++)).join(' '));
    while (Object.keys(model.df).length < 9_500) observeAlert(model, filler(), FIELDS);
    // A rare word seen last is among the first the pruning drops (which replaces model.df).
    const df = model.df;
    observeAlert(model, alert('quuxly'), FIELDS);
    while (model.df === df) observeAlert(model, filler(), FIELDS);
    expect(model.df.quuxly).toBeUndefined();
    const cold = parseModel(JSON.parse(JSON.stringify(model)));
    expect(incidentSimilarity(model, probe, incident, FIELDS)).toBe(incidentSimilarity(cold, probe, incident, FIELDS));
  });

  it("an incident's score follows its alerts as they are appended and moved out", () => {
    const model = trained();
    const probe = alert('Disk usage 97% on db-02 /var/lib/data');
    const alerts = [alert('Host web-07 unreachable')];
    const byId = () => createScorer(model, probe, FIELDS)(alerts, 'PINC');
    const fresh = () => createScorer(model, probe, FIELDS)([...alerts]);
    expect(byId()).toBe(fresh());
    alerts.push(alert('Disk usage 91% on db-03 /var/lib/data'));
    expect(byId()).toBe(fresh());
    expect(byId()).toBeGreaterThan(0.5);
    alerts.splice(1, 1);
    alerts.push(alert('Memory usage 88% on worker-02'));
    expect(byId()).toBe(fresh());
    expect(byId()).toBeLessThan(0.5);
  });
});
