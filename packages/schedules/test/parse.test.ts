import { parseSchedule } from '../src';

const layer = {
  start: '2027-01-01T00:00:00Z',
  rotation_virtual_start: '2027-01-01T00:00:00Z',
  rotation_turn_length_seconds: 86_400,
  users: [{ user: { id: 'A' } }],
};

describe('parseSchedule', () => {
  it('reads PagerDuty JSON into epoch ms; a date-time without offset is read in the schedule zone', () => {
    const out = parseSchedule(
      { time_zone: 'America/New_York', schedule_layers: [{ ...layer, id: 'L1', start: '2027-01-01T09:00:00' }] },
      [{ id: 'O1', start: '2027-01-02T00:00:00Z', end: '2027-01-03T00:00:00Z', user: { id: 'B' } }],
    );
    expect(out).toEqual({
      ok: true,
      value: {
        timeZone: 'America/New_York',
        layers: [
          {
            id: 'L1',
            start: Date.parse('2027-01-01T14:00:00Z'),
            end: null,
            rotationVirtualStart: Date.parse('2027-01-01T00:00:00Z'),
            rotationTurnLengthSeconds: 86_400,
            userIds: ['A'],
            restrictions: [],
          },
        ],
        overrides: [
          { id: 'O1', start: Date.parse('2027-01-02T00:00:00Z'), end: Date.parse('2027-01-03T00:00:00Z'), userId: 'B' },
        ],
      },
    });
  });

  it.each([
    [
      'an unknown time zone',
      { time_zone: 'Nowhere/Else', schedule_layers: [layer] },
      ['time_zone must be an IANA time zone name'],
    ],
    [
      'a layer ending before it starts',
      { time_zone: 'UTC', schedule_layers: [{ ...layer, end: '2026-01-01T00:00:00Z' }] },
      ['schedule_layers[0].end must be after start'],
    ],
    [
      'a layer without users',
      { time_zone: 'UTC', schedule_layers: [{ ...layer, users: [] }] },
      ['schedule_layers[0].users must name at least one user, each as {user: {id}}'],
    ],
    [
      'a malformed restriction',
      {
        time_zone: 'UTC',
        schedule_layers: [
          {
            ...layer,
            restrictions: [{ type: 'weekly_restriction' as const, start_time_of_day: '25:00', duration_seconds: 0 }],
          },
        ],
      },
      [
        'schedule_layers[0].restrictions[0].start_time_of_day must be HH:mm:ss',
        'schedule_layers[0].restrictions[0].duration_seconds must be 1-604800',
        'schedule_layers[0].restrictions[0].start_day_of_week must be 1 (Monday) to 7',
      ],
    ],
    [
      'a start that is no date-time',
      { time_zone: 'UTC', schedule_layers: [{ ...layer, start: 'yesterday' }] },
      ['schedule_layers[0].start must be an ISO 8601 date-time'],
    ],
  ])('refuses %s', (_name, json, errors) => {
    expect(parseSchedule(json)).toEqual({ ok: false, errors });
  });
});
