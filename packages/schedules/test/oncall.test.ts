import { onCallAt, parseSchedule, type Schedule, usersForTargets } from '../src';

function schedule(json: Parameters<typeof parseSchedule>[0], overrides: Parameters<typeof parseSchedule>[1] = []) {
  const out = parseSchedule(json, overrides);
  if (!out.ok) throw new Error(out.errors.join('; '));
  return out.value;
}

// Daily 09:00 New York handoff between A and B, from the day before spring-forward.
const ny = schedule(
  {
    time_zone: 'America/New_York',
    schedule_layers: [
      {
        start: '2027-03-13T09:00:00-05:00',
        rotation_virtual_start: '2027-03-13T09:00:00-05:00',
        rotation_turn_length_seconds: 86_400,
        users: [{ user: { id: 'A' } }, { user: { id: 'B' } }],
        restrictions: [{ type: 'daily_restriction', start_time_of_day: '08:00:00', duration_seconds: 50_400 }],
      },
    ],
  },
  [{ start: '2027-03-15T10:00:00-04:00', end: '2027-03-15T11:00:00-04:00', user: { id: 'C' } }],
);

describe('onCallAt', () => {
  it.each([
    ['before the layer starts', '2027-03-13T13:59:59Z', []],
    ['the first turn', '2027-03-13T14:00:00Z', ['A']],
    ['08:59:59 EDT on spring-forward day, still the first turn', '2027-03-14T12:59:59Z', ['A']],
    ['09:00 EDT on spring-forward day, the handoff', '2027-03-14T13:00:00Z', ['B']],
    ['outside the 08:00-22:00 restriction', '2027-03-15T02:00:00Z', []],
    ['under an override', '2027-03-15T14:30:00Z', ['C']],
    ['right after the override', '2027-03-15T15:00:00Z', ['A']],
  ])('%s', (_name, at, expected) => {
    expect(onCallAt(ny, new Date(at))).toEqual(expected);
  });
});

describe('usersForTargets', () => {
  const schedules = new Map<string, Schedule>([['SNY', ny]]);
  const lookup = (id: string) => schedules.get(id);

  it('resolves users directly and schedules to who is on call, each user once, in target order', () => {
    const at = new Date('2027-03-14T13:00:00Z');
    expect(
      usersForTargets(
        [
          { type: 'user_reference', id: 'U1' },
          { type: 'schedule_reference', id: 'SNY' },
          { type: 'user_reference', id: 'B' },
        ],
        at,
        lookup,
      ),
    ).toEqual([
      { userId: 'U1', scheduleId: null },
      { userId: 'B', scheduleId: 'SNY' },
    ]);
  });

  it('a schedule with nobody on call, an unknown schedule and an unknown target type reach nobody', () => {
    const at = new Date('2027-03-15T02:00:00Z');
    expect(
      usersForTargets(
        [
          { type: 'schedule_reference', id: 'SNY' },
          { type: 'schedule_reference', id: 'GONE' },
          { type: 'schedule_v3_reference', id: 'V3' },
        ],
        at,
        lookup,
      ),
    ).toEqual([]);
  });
});
