import type { TargetRef } from '@klaxon/schedules';
import { nextStep, type PolicyPlan, planOf, type Reach } from '../src/domain/escalation-run';
import { decideChange, decideTimer, type IncidentFacts, type RunState } from '../src/domain/incident-change';
import { respondersOf } from '../src/domain/responders';

const user = (id: string): TargetRef => ({ id, type: 'user_reference' });
const schedule = (id: string): TargetRef => ({ id, type: 'schedule_reference' });

/** Schedules on call: PSCH1 -> PALICE, PEMPTY -> nobody; users that exist: all but PGONE. */
const reach: Reach = (targets) => {
  const users: { userId: string; scheduleId: string | null }[] = [];
  const unreached: string[] = [];
  for (const t of targets) {
    if (t.id === 'PSCH1') users.push({ userId: 'PALICE', scheduleId: 'PSCH1' });
    else if (t.id === 'PEMPTY') unreached.push('schedule PEMPTY has nobody on call');
    else if (t.id === 'PGONE') unreached.push('user PGONE does not exist');
    else users.push({ userId: t.id, scheduleId: null });
  }
  return { users, unreached };
};

const plan = (levels: TargetRef[][], numLoops = 0): PolicyPlan => ({
  id: 'PEP1',
  numLoops,
  levels: levels.map((targets) => ({ delayMinutes: 10, targets })),
});

describe('nextStep', () => {
  const twoLevels = plan([[schedule('PSCH1')], [user('PCAROL')]], 1);
  it.each([
    [
      'level 1 from the start',
      { level: 1, cycle: 0 },
      true,
      { kind: 'assign', level: 1, cycle: 0, userIds: ['PALICE'] },
    ],
    [
      'level 2 after level 1',
      { level: 1, cycle: 0 },
      false,
      { kind: 'assign', level: 2, cycle: 0, userIds: ['PCAROL'] },
    ],
    [
      'level 1 again after the last level, one loop left',
      { level: 2, cycle: 0 },
      false,
      { kind: 'assign', level: 1, cycle: 1, userIds: ['PALICE'], repeated: true },
    ],
    ['exhausted after the last loop', { level: 2, cycle: 1 }, false, { kind: 'exhausted' }],
  ])('%s', (_name, from, inclusive, expected) => {
    expect(nextStep(twoLevels, from, reach, inclusive)).toMatchObject(expected);
  });

  it('skips a level that reaches nobody', () => {
    const p = plan([[schedule('PEMPTY')], [user('PGONE'), user('PBOB')]]);
    expect(nextStep(p, { level: 1, cycle: 0 }, reach, true)).toMatchObject({
      kind: 'assign',
      level: 2,
      userIds: ['PBOB'],
    });
  });

  it('says why when no level reaches anybody', () => {
    const p = plan([[schedule('PEMPTY')], [user('PGONE')]], 2);
    expect(nextStep(p, { level: 1, cycle: 0 }, reach, true)).toEqual({
      kind: 'nobody',
      reason:
        'No one to assign on escalation policy PEP1 (level 1: schedule PEMPTY has nobody on call; level 2: user PGONE does not exist).',
    });
  });

  it('reads a catalog policy snapshot', () => {
    expect(
      planOf({
        id: 'PEP9',
        num_loops: 2,
        escalation_rules: [
          {
            escalation_delay_in_minutes: 5,
            targets: [{ id: 'PX', type: 'user_reference', summary: 'X' } as TargetRef],
          },
        ],
      }),
    ).toEqual({ id: 'PEP9', numLoops: 2, levels: [{ delayMinutes: 5, targets: [user('PX')] }] });
  });
});

describe('decideChange and decideTimer', () => {
  const at = new Date('2027-01-04T12:00:00Z');
  const p = plan([[schedule('PSCH1')], [user('PCAROL')]]);
  const facts = (over: Partial<IncidentFacts>): IncidentFacts => ({
    status: 'triggered',
    changes: [],
    level: 1,
    assigneeIds: [],
    policyId: 'PEP1',
    directlyAssigned: false,
    at,
    ...over,
  });
  const running: RunState = {
    policy: p,
    level: 1,
    cycle: 0,
    assigneeIds: ['PALICE'],
    active: true,
    dueAt: new Date('2027-01-04T12:10:00Z'),
  };

  it('a trigger starts the run at level 1 and asks grouping to assign, with the timer armed', () => {
    const d = decideChange(undefined, facts({ changes: ['triggered'] }), p, reach);
    expect(d.command).toMatchObject({ kind: 'assign', expectedLevel: 1, level: 1, assigneeIds: ['PALICE'] });
    expect(d.run).toMatchObject({ level: 1, active: true, dueAt: new Date('2027-01-04T12:10:00Z') });
    // Shown on the incident as pending_actions [{type: escalate, at}].
    expect(d.command?.escalateAt).toEqual(new Date('2027-01-04T12:10:00Z'));
    expect(d.notify).toBeUndefined();
  });

  it('the assignment coming back notifies the assignees', () => {
    const d = decideChange(running, facts({ changes: ['reassigned'], assigneeIds: ['PALICE'] }), p, reach);
    expect(d).toEqual({ notify: { userIds: ['PALICE'], reason: 'assigned', level: 1, cycle: 0 } });
  });

  it('a due timer escalates to the next level', () => {
    const d = decideTimer(running, new Date('2027-01-04T12:10:00Z'), reach);
    expect(d.command).toMatchObject({ kind: 'escalate', expectedLevel: 1, level: 2, assigneeIds: ['PCAROL'] });
    expect(d.run).toMatchObject({ level: 2, dueAt: new Date('2027-01-04T12:20:00Z') });
    // Level 2 is the last and num_loops is 0: its timer only exhausts the path, nothing escalates.
    expect(d.command.escalateAt).toBeNull();
  });

  it('with loops left, the last level still has an escalation pending (the repeat)', () => {
    const d = decideTimer({ ...running, policy: { ...p, numLoops: 1 } }, new Date('2027-01-04T12:10:00Z'), reach);
    expect(d.command.escalateAt).toEqual(new Date('2027-01-04T12:20:00Z'));
  });

  it('the last level of the last loop exhausts the path', () => {
    const d = decideTimer({ ...running, level: 2, assigneeIds: ['PCAROL'] }, at, reach);
    expect(d.command).toMatchObject({ kind: 'exhausted', expectedLevel: 2 });
    expect(d.run.dueAt).toBeNull();
  });

  it('acknowledge stops the timer; resolve ends the run', () => {
    expect(
      decideChange(running, facts({ status: 'acknowledged', changes: ['acknowledged'] }), p, reach).run?.dueAt,
    ).toBeNull();
    expect(decideChange(running, facts({ status: 'resolved', changes: ['resolved'] }), p, reach).run).toMatchObject({
      active: false,
      dueAt: null,
    });
  });

  it('a re-trigger restarts at the incident level', () => {
    const d = decideChange(
      { ...running, dueAt: null, level: 2 },
      facts({ changes: ['unacknowledged'], level: 2 }),
      p,
      reach,
    );
    expect(d.command).toMatchObject({ kind: 'assign', expectedLevel: 2, level: 2, assigneeIds: ['PCAROL'] });
    expect(d.run?.dueAt).toEqual(new Date('2027-01-04T12:10:00Z'));
  });

  it('a manual escalate restarts the run at that level and assigns its on-call', () => {
    const d = decideChange(running, facts({ changes: ['escalated'], level: 2, assigneeIds: ['PALICE'] }), p, reach);
    expect(d.command).toMatchObject({ kind: 'assign', expectedLevel: 2, level: 2, assigneeIds: ['PCAROL'] });
  });

  it('a delegation starts a new run at level 1 of the new policy as it is now', () => {
    const other: PolicyPlan = { id: 'PEP2', numLoops: 0, levels: [{ delayMinutes: 5, targets: [user('PDAN')] }] };
    const d = decideChange(
      { ...running, level: 2, assigneeIds: ['PCAROL'] },
      facts({ changes: ['delegated'], level: 1, assigneeIds: [], policyId: 'PEP2' }),
      other,
      reach,
    );
    expect(d.command).toMatchObject({ kind: 'assign', expectedLevel: 1, level: 1, assigneeIds: ['PDAN'] });
    expect(d.run).toMatchObject({ policy: other, level: 1, cycle: 0, dueAt: new Date('2027-01-04T12:05:00Z') });
    expect(d.notify).toBeUndefined();
  });

  it('a direct reassignment notifies the new assignee and stops escalating', () => {
    const d = decideChange(
      running,
      facts({ changes: ['reassigned'], assigneeIds: ['PBOB'], directlyAssigned: true }),
      p,
      reach,
    );
    expect(d).toEqual({
      run: { ...running, active: false, dueAt: null },
      notify: { userIds: ['PBOB'], reason: 'assigned', level: 1, cycle: 0 },
    });
  });

  it('a policy reaching nobody leaves the incident unassigned, saying why', () => {
    const empty = plan([[schedule('PEMPTY')]]);
    const d = decideChange(undefined, facts({ changes: ['triggered'] }), empty, reach);
    expect(d.command).toMatchObject({ kind: 'nobody', expectedLevel: 1 });
    expect(d.command?.reason).toContain('schedule PEMPTY has nobody on call');
  });
});

describe('respondersOf', () => {
  it("reaches the users asked and each policy's first level reaching somebody, each user once", () => {
    const plans = new Map<string, PolicyPlan>([
      ['PEPA', { ...plan([[schedule('PEMPTY')], [schedule('PSCH1'), user('PBOB')]]), id: 'PEPA' }],
      ['PEPB', { ...plan([[user('PGONE')]]), id: 'PEPB' }],
    ]);
    expect(
      respondersOf({ userIds: ['PBOB', 'PDAN'], escalationPolicyIds: ['PEPA', 'PEPB', 'PMISSING'] }, plans, reach),
    ).toEqual({
      userIds: ['PBOB', 'PDAN', 'PALICE'],
      viaPolicy: [{ policyId: 'PEPA', userIds: ['PALICE', 'PBOB'] }],
    });
  });
});
