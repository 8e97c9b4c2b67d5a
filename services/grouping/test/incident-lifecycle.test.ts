import * as life from '../src/domain/incident-lifecycle';

const T0 = Date.parse('2026-05-04T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const timeouts: life.ServiceTimeouts = { acknowledgementTimeout: 1800, autoResolveTimeout: 14_400 };
const opened = (id = 'PINC1') =>
  life.openIncident({
    id,
    title: 'Disk full on db-01',
    urgency: 'high',
    assigneeIds: ['PUSER1'],
    now: at(0),
    timeouts,
  });
const triggered = (id?: string) => opened(id).incident;
const ok = (r: life.LifecycleResult): life.Transition => {
  if (!r.ok) throw new Error(`refused ${r.error.code}`);
  return r;
};
const acked = () => ok(life.acknowledge(triggered(), at(60), timeouts)).incident;
const resolved = () => ok(life.resolve(triggered(), at(60))).incident;
const code = (r: life.LifecycleResult | ReturnType<typeof life.merge>) => (r.ok ? undefined : r.error.code);

describe('incident lifecycle', () => {
  it('opens triggered with the first alert title and arms auto-resolve from the trigger', () => {
    const t = opened();
    expect(t.incident).toMatchObject({
      status: 'triggered',
      title: 'Disk full on db-01',
      alertCount: 1,
      escalationLevel: 1,
    });
    expect(t.changes).toEqual(['triggered']);
    expect(t.timers).toEqual([{ kind: 'auto_resolve', arm: at(14_400) }]);
  });

  it('arms no timers when the service disables them', () => {
    const t = life.openIncident({
      id: 'P',
      title: 't',
      urgency: 'low',
      assigneeIds: [],
      now: at(0),
      timeouts: { acknowledgementTimeout: null, autoResolveTimeout: 0 },
    });
    expect(t.timers).toEqual([]);
    expect(
      ok(life.acknowledge(t.incident, at(1), { acknowledgementTimeout: 0, autoResolveTimeout: null })).timers,
    ).toEqual([]);
  });

  it('acknowledge arms the acknowledgement timeout', () => {
    const t = ok(life.acknowledge(triggered(), at(60), timeouts));
    expect(t.incident).toMatchObject({ status: 'acknowledged', acknowledgedAt: at(60) });
    expect(t.changes).toEqual(['acknowledged']);
    expect(t.timers).toEqual([{ kind: 'acknowledgement_timeout', arm: at(1860) }]);
  });

  it('the ack timeout returns an acknowledged incident to triggered', () => {
    const t = ok(life.fireTimer(acked(), 'acknowledgement_timeout', at(1860)));
    expect(t.incident.status).toBe('triggered');
    expect(t.changes).toEqual(['unacknowledged']);
  });

  it('auto-resolve resolves an open incident and cancels every timer', () => {
    const t = ok(life.fireTimer(acked(), 'auto_resolve', at(14_400)));
    expect(t.incident).toMatchObject({ status: 'resolved', resolvedAt: at(14_400), assigneeIds: [] });
    expect(t.changes).toEqual(['resolved']);
    expect(t.timers.map((x) => x.kind).sort()).toEqual(['acknowledgement_timeout', 'auto_resolve', 'snooze']);
  });

  it.each([
    ['ack timeout on a triggered incident', () => life.fireTimer(triggered(), 'acknowledgement_timeout', at(9))],
    ['any timer on a resolved incident', () => life.fireTimer(resolved(), 'auto_resolve', at(9))],
    ['snooze timer before the snooze ends', () => life.fireTimer(acked(), 'snooze', at(9))],
    ['unacknowledge a triggered incident', () => life.unacknowledge(triggered(), at(9))],
    ['urgency change to the same urgency', () => life.changeUrgency(triggered(), 'high')],
  ])('stale or no-op: %s changes nothing', (_name, run) => {
    expect(ok(run()).changes).toEqual([]);
  });

  it('snooze keeps it acknowledged, replaces the ack timeout and returns to triggered when elapsed', () => {
    const s = ok(life.snooze(acked(), 3600, at(100)));
    expect(s.incident).toMatchObject({ status: 'acknowledged', snoozedUntil: at(3700) });
    expect(s.timers).toEqual([
      { kind: 'acknowledgement_timeout', cancel: true },
      { kind: 'snooze', arm: at(3700) },
    ]);
    expect(ok(life.fireTimer(s.incident, 'acknowledgement_timeout', at(1860))).changes).toEqual([]);
    const woke = ok(life.fireTimer(s.incident, 'snooze', at(3700)));
    expect(woke.incident).toMatchObject({ status: 'triggered', snoozedUntil: null });
    expect(woke.changes).toEqual(['unacknowledged']);
  });

  it('resolves when all its alerts are resolved, not before', () => {
    expect(ok(life.alertsResolved(triggered(), 1, at(5))).changes).toEqual([]);
    expect(ok(life.alertsResolved(triggered(), 0, at(5))).incident.status).toBe('resolved');
  });

  it('reassign un-acknowledges for the new assignee', () => {
    const t = ok(life.reassign(acked(), ['PUSER2'], at(90)));
    expect(t.incident).toMatchObject({ status: 'triggered', assigneeIds: ['PUSER2'] });
    expect(t.changes).toEqual(['reassigned', 'unacknowledged']);
    expect(ok(life.reassign(triggered(), ['PUSER2'], at(90))).changes).toEqual(['reassigned']);
  });

  it('delegate goes back to triggered at level 1 with nobody assigned until escalation assigns', () => {
    const t = ok(life.delegate({ ...acked(), escalationLevel: 2, assigneeIds: ['PUSER1'] }, at(90)));
    expect(t.incident).toMatchObject({
      status: 'triggered',
      escalationLevel: 1,
      assigneeIds: [],
      acknowledgedAt: null,
    });
    expect(t.changes).toEqual(['delegated', 'unacknowledged']);
    expect(ok(life.delegate(triggered(), at(90))).changes).toEqual(['delegated']);
    expect(life.delegate(resolved(), at(90))).toMatchObject({ ok: false, error: { code: 1001 } });
  });

  it('escalate moves the level and re-triggers', () => {
    const t = ok(life.escalate(acked(), 2, 3, at(90)));
    expect(t.incident).toMatchObject({ escalationLevel: 2, status: 'triggered' });
    expect(t.changes).toEqual(['escalated']);
  });

  it('urgency change', () => {
    const t = ok(life.changeUrgency(triggered(), 'low'));
    expect(t.incident.urgency).toBe('low');
    expect(t.changes).toEqual(['urgency']);
  });

  it('reopens a resolved incident as triggered: resolved_at cleared, level 1, auto-resolve re-armed', () => {
    const escalatedThenResolved = ok(life.resolve({ ...acked(), escalationLevel: 2 }, at(60))).incident;
    const t = ok(life.reopen(escalatedThenResolved, 'triggered', at(500), timeouts));
    expect(t.incident).toMatchObject({
      status: 'triggered',
      resolvedAt: null,
      acknowledgedAt: null,
      escalationLevel: 1,
      lastStatusChangeAt: at(500),
    });
    expect(t.changes).toEqual(['triggered']);
    expect(t.timers).toEqual([{ kind: 'auto_resolve', arm: at(14_900) }]);
  });

  it('reopens a resolved incident as acknowledged, arming the ack timeout too', () => {
    const t = ok(life.reopen(resolved(), 'acknowledged', at(500), timeouts));
    expect(t.incident).toMatchObject({ status: 'acknowledged', acknowledgedAt: at(500), resolvedAt: null });
    expect(t.changes).toEqual(['acknowledged']);
    expect(t.timers).toEqual([
      { kind: 'auto_resolve', arm: at(14_900) },
      { kind: 'acknowledgement_timeout', arm: at(2300) },
    ]);
  });

  it.each<[string, life.ServiceTimeouts]>([
    ['no timeouts', { acknowledgementTimeout: null, autoResolveTimeout: null }],
    ['zero timeouts', { acknowledgementTimeout: 0, autoResolveTimeout: 0 }],
  ])('reopening arms no timers when the service has %s', (_name, none) => {
    expect(ok(life.reopen(resolved(), 'acknowledged', at(500), none)).timers).toEqual([]);
  });

  it.each<['triggered' | 'acknowledged', () => life.IncidentState]>([
    ['triggered', triggered],
    ['acknowledged', acked],
  ])('reopening an open incident (to %s) changes nothing', (status, incident) => {
    expect(ok(life.reopen(incident(), status, at(500), timeouts)).changes).toEqual([]);
  });

  it('merge moves the alerts and resolves the sources with a merge reason', () => {
    const target = acked();
    const source = { ...triggered('PINC2'), alertCount: 4 };
    const r = life.merge(target, [source], at(100));
    if (!r.ok) throw new Error('refused');
    expect(r.target.incident.alertCount).toBe(5);
    expect(r.target.changes).toEqual(['merged']);
    expect(r.sources[0]?.incident).toMatchObject({ status: 'resolved', mergedInto: 'PINC1', alertCount: 0 });
    expect(r.sources[0]?.changes).toEqual(['resolved', 'merged']);
  });

  it.each<[string, () => life.LifecycleResult | ReturnType<typeof life.merge>, number]>([
    ['acknowledge a resolved incident', () => life.acknowledge(resolved(), at(5), timeouts), 1001],
    ['acknowledge an acknowledged incident', () => life.acknowledge(acked(), at(5), timeouts), 1002],
    ['resolve a resolved incident', () => life.resolve(resolved(), at(5)), 1001],
    ['unacknowledge a resolved incident', () => life.unacknowledge(resolved(), at(5)), 1001],
    [
      'reopen an incident resolved by a merge',
      () => life.reopen({ ...resolved(), mergedInto: 'PINC9' }, 'triggered', at(5), timeouts),
      1019,
    ],
    ['snooze a triggered incident', () => life.snooze(triggered(), 60, at(5)), 1012],
    ['snooze a resolved incident', () => life.snooze(resolved(), 60, at(5)), 1001],
    ['snooze for 0 s', () => life.snooze(acked(), 0, at(5)), 1013],
    ['snooze beyond 7 days', () => life.snooze(acked(), 604_801, at(5)), 1013],
    ['snooze for a fraction', () => life.snooze(acked(), 1.5, at(5)), 1013],
    ['reassign a resolved incident', () => life.reassign(resolved(), ['PUSER2'], at(5)), 1001],
    ['reassign to nobody', () => life.reassign(triggered(), [], at(5)), 2001],
    ['escalate a resolved incident', () => life.escalate(resolved(), 2, 3, at(5)), 1001],
    ['escalate past the last level', () => life.escalate(triggered(), 4, 3, at(5)), 1006],
    ['urgency of a resolved incident', () => life.changeUrgency(resolved(), 'low'), 1001],
    ['merge into a resolved incident', () => life.merge(resolved(), [triggered('PINC2')], at(5)), 1001],
    [
      'merge an already merged incident',
      () => life.merge(triggered(), [{ ...resolved(), id: 'PINC2', mergedInto: 'PINC9' }], at(5)),
      1019,
    ],
    [
      'merge into a merged incident',
      () => life.merge({ ...resolved(), mergedInto: 'PINC9' }, [triggered('PINC2')], at(5)),
      1019,
    ],
    ['merge into itself', () => life.merge(triggered(), [triggered()], at(5)), 2001],
    ['merge nothing', () => life.merge(triggered(), [], at(5)), 2001],
    [
      'merge past 1000 alerts',
      () => life.merge({ ...triggered(), alertCount: 990 }, [{ ...triggered('PINC2'), alertCount: 11 }], at(5)),
      2001,
    ],
    ['add an alert to a resolved incident', () => life.addAlert(resolved()), 1001],
    ['add the 1001st alert', () => life.addAlert({ ...triggered(), alertCount: 1000 }), 2001],
  ])('refuses: %s', (_name, run, expected) => {
    expect(code(run())).toBe(expected);
  });

  it('a merge of exactly 1000 alerts is allowed', () => {
    expect(life.merge({ ...triggered(), alertCount: 990 }, [{ ...triggered('PINC2'), alertCount: 10 }], at(5)).ok).toBe(
      true,
    );
  });
});
