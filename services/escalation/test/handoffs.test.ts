import { parseSchedule, type Schedule } from '@klaxon/schedules';
import { type HandoffRule, handoffSchedules, planHandoffs } from '../src/domain/handoffs';

const at = (iso: string) => Date.parse(iso);
const user = (id: string) => ({ user: { id, type: 'user_reference' } });

/**
 * A daily rotation of Alice and Bob in New York, handing off at 09:00 local; Carol overrides
 * 2027-03-15 12:00-14:00 local (16:00-18:00 UTC, after the spring-forward night).
 */
function rotation(overrides: { start: string; end: string; user: { id: string } }[] = []): Schedule {
  const parsed = parseSchedule(
    {
      time_zone: 'America/New_York',
      schedule_layers: [
        {
          start: '2027-03-01T09:00:00-05:00',
          rotation_virtual_start: '2027-03-01T09:00:00-05:00',
          rotation_turn_length_seconds: 86_400,
          users: [user('PALICE'), user('PBOB')],
        },
      ],
    },
    overrides,
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

const rule = (r: Partial<HandoffRule> & Pick<HandoffRule, 'id' | 'userId'>): HandoffRule => ({
  contactMethodId: `CM-${r.userId}`,
  advanceMinutes: 0,
  type: 'both',
  ...r,
});

/** [due, user, kind, shift start, shift end] */
const rows = (planned: ReturnType<typeof planHandoffs>) =>
  planned
    .map((p) => [p.dueAt.toISOString(), p.userId, p.kind, p.shiftStart.toISOString(), p.shiftEnd.toISOString()])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));

describe('planHandoffs', () => {
  it('each shift edge of a user with rules, at 09:00 local across the spring-forward night', () => {
    const planned = planHandoffs(
      new Map([['PSCH1', rotation()]]),
      [rule({ id: 'R1', userId: 'PALICE' })],
      at('2027-03-13T00:00:00Z'),
      at('2027-03-16T00:00:00Z'),
    );
    // Alice's turns: Mar 13 (EST, 14:00Z) and Mar 15 (EDT, 13:00Z); each starts and ends at 09:00 local.
    expect(rows(planned)).toEqual([
      ['2027-03-13T14:00:00.000Z', 'PALICE', 'oncall', '2027-03-13T14:00:00.000Z', '2027-03-14T13:00:00.000Z'],
      ['2027-03-14T13:00:00.000Z', 'PALICE', 'offcall', '2027-03-13T14:00:00.000Z', '2027-03-14T13:00:00.000Z'],
      ['2027-03-15T13:00:00.000Z', 'PALICE', 'oncall', '2027-03-15T13:00:00.000Z', '2027-03-16T13:00:00.000Z'],
    ]);
  });

  it.each([
    ['oncall only', 'oncall', 0, ['2027-03-13T14:00:00.000Z oncall']],
    ['offcall only', 'offcall', 0, ['2027-03-14T13:00:00.000Z offcall']],
    ['both, 3 hours ahead', 'both', 180, ['2027-03-13T11:00:00.000Z oncall', '2027-03-14T10:00:00.000Z offcall']],
  ])('%s', (_what, type, advanceMinutes, expected) => {
    const planned = planHandoffs(
      new Map([['PSCH1', rotation()]]),
      [rule({ id: 'R1', userId: 'PALICE', type, advanceMinutes })],
      at('2027-03-13T00:00:00Z'),
      at('2027-03-14T14:00:00Z'),
    );
    expect(planned.map((p) => `${p.dueAt.toISOString()} ${p.kind}`).sort()).toEqual(expected);
  });

  // Alice's turn on Mar 15 (from 13:00Z); Carol's override splits it.
  it('an override splits a shift: the overridden user goes off and back on, the override user on and off', () => {
    const schedule = rotation([
      { start: '2027-03-15T12:00:00-04:00', end: '2027-03-15T14:00:00-04:00', user: { id: 'PCAROL' } },
    ]);
    const planned = planHandoffs(
      new Map([['PSCH1', schedule]]),
      [rule({ id: 'R1', userId: 'PALICE' }), rule({ id: 'R2', userId: 'PCAROL' })],
      at('2027-03-15T14:00:00Z'),
      at('2027-03-15T20:00:00Z'),
    );
    expect(rows(planned).map((r) => r.slice(0, 3))).toEqual([
      ['2027-03-15T16:00:00.000Z', 'PALICE', 'offcall'],
      ['2027-03-15T16:00:00.000Z', 'PCAROL', 'oncall'],
      ['2027-03-15T18:00:00.000Z', 'PALICE', 'oncall'],
      ['2027-03-15T18:00:00.000Z', 'PCAROL', 'offcall'],
    ]);
  });

  it('nothing between two touching shifts of one user, nothing outside [from, until), the same key on a replan', () => {
    const alone = parseSchedule({
      time_zone: 'UTC',
      schedule_layers: [
        {
          start: '2027-03-01T00:00:00Z',
          rotation_virtual_start: '2027-03-01T00:00:00Z',
          rotation_turn_length_seconds: 86_400,
          users: [user('PALICE')],
        },
      ],
    });
    if (!alone.ok) throw new Error('schedule');
    const window = [at('2027-03-10T00:00:00Z'), at('2027-03-12T00:00:00Z')] as const;
    expect(planHandoffs(new Map([['PS', alone.value]]), [rule({ id: 'R1', userId: 'PALICE' })], ...window)).toEqual([]);
    const a = planHandoffs(new Map([['PSCH1', rotation()]]), [rule({ id: 'R1', userId: 'PALICE' })], ...window);
    const b = planHandoffs(
      new Map([['PSCH1', rotation()]]),
      [rule({ id: 'R1', userId: 'PALICE' })],
      at('2027-03-11T00:00:00Z'),
      window[1],
    );
    expect(a.every((p) => p.dueAt.getTime() >= window[0] && p.dueAt.getTime() < window[1])).toBe(true);
    expect(b.map((p) => p.key)).toEqual(
      a.filter((p) => p.dueAt.getTime() >= at('2027-03-11T00:00:00Z')).map((p) => p.key),
    );
  });
});

describe('handoffSchedules', () => {
  it.each([
    ['always, without services', 'always', false, ['PS1']],
    ['if_has_services, with services', 'if_has_services', true, ['PS1']],
    ['if_has_services, without services', 'if_has_services', false, []],
  ])('%s', (_what, handoffs, hasServices, expected) => {
    expect([...handoffSchedules([{ handoffs, hasServices, scheduleIds: ['PS1'] }])]).toEqual(expected);
  });
});
