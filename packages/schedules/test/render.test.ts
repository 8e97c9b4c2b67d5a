import { type LayerJson, type OverrideJson, parseSchedule, renderSchedule, type Schedule } from '../src';

// Hand-checked expectations. Every layer is written as PagerDuty's POST body has it; entries are
// [start, end, user] as PagerDuty prints them (ISO 8601 in the schedule's zone).
const H = 3_600_000;

const users = (...ids: string[]) => ids.map((id) => ({ user: { id } }));

function schedule(timeZone: string, layers: LayerJson[], overrides: OverrideJson[] = []): Schedule {
  const parsed = parseSchedule({ time_zone: timeZone, schedule_layers: layers }, overrides);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

const rows = (entries: { start: string; end: string; userId: string }[]) =>
  entries.map((e) => [e.start, e.end, e.userId]);

function render(s: Schedule, since: string, until: string, timeZone?: string) {
  const out = renderSchedule(s, {
    since: Date.parse(since),
    until: Date.parse(until),
    ...(timeZone ? { timeZone } : {}),
  });
  if (!out.ok) throw new Error(out.errors.join('; '));
  return out.value;
}

interface Case {
  name: string;
  schedule: Schedule;
  since: string;
  until: string;
  final: string[][];
  coverage: number;
}

const daily = (start: string, ids: string[], extra: Partial<LayerJson> = {}): LayerJson => ({
  start,
  rotation_virtual_start: start,
  rotation_turn_length_seconds: 86_400,
  users: users(...ids),
  ...extra,
});

const cases: Case[] = [
  {
    name: 'weekly rotation of three, layer starting inside the range (gap before it)',
    schedule: schedule('UTC', [
      {
        start: '2027-01-04T09:00:00Z',
        rotation_virtual_start: '2027-01-04T09:00:00Z',
        rotation_turn_length_seconds: 604_800,
        users: users('A', 'B', 'C'),
      },
    ]),
    since: '2027-01-04T00:00:00Z',
    until: '2027-01-25T00:00:00Z',
    final: [
      ['2027-01-04T09:00:00Z', '2027-01-11T09:00:00Z', 'A'],
      ['2027-01-11T09:00:00Z', '2027-01-18T09:00:00Z', 'B'],
      ['2027-01-18T09:00:00Z', '2027-01-25T00:00:00Z', 'C'],
    ],
    // 9 hours of 504 uncovered: 495 / 504 = 98.214...
    coverage: 98.21,
  },
  {
    name: 'daily rotation; consecutive turns of one user merge into one entry',
    schedule: schedule('UTC', [daily('2027-01-01T00:00:00Z', ['A', 'A', 'B'])]),
    since: '2027-01-01T00:00:00Z',
    until: '2027-01-05T00:00:00Z',
    final: [
      ['2027-01-01T00:00:00Z', '2027-01-03T00:00:00Z', 'A'],
      ['2027-01-03T00:00:00Z', '2027-01-04T00:00:00Z', 'B'],
      ['2027-01-04T00:00:00Z', '2027-01-05T00:00:00Z', 'A'],
    ],
    coverage: 100,
  },
  {
    name: 'America/New_York spring-forward (2027-03-14): the 09:00 handoff stays at 09:00 local, a 23-hour turn',
    schedule: schedule('America/New_York', [daily('2027-03-13T09:00:00-05:00', ['A', 'B'])]),
    since: '2027-03-13T09:00:00-05:00',
    until: '2027-03-16T09:00:00-04:00',
    final: [
      ['2027-03-13T09:00:00-05:00', '2027-03-14T09:00:00-04:00', 'A'],
      ['2027-03-14T09:00:00-04:00', '2027-03-15T09:00:00-04:00', 'B'],
      ['2027-03-15T09:00:00-04:00', '2027-03-16T09:00:00-04:00', 'A'],
    ],
    coverage: 100,
  },
  {
    name: 'America/New_York fall-back (2027-11-07): the 09:00 handoff stays at 09:00 local, a 25-hour turn',
    schedule: schedule('America/New_York', [daily('2027-11-06T09:00:00-04:00', ['A', 'B'])]),
    since: '2027-11-06T09:00:00-04:00',
    until: '2027-11-08T09:00:00-05:00',
    final: [
      ['2027-11-06T09:00:00-04:00', '2027-11-07T09:00:00-05:00', 'A'],
      ['2027-11-07T09:00:00-05:00', '2027-11-08T09:00:00-05:00', 'B'],
    ],
    coverage: 100,
  },
  {
    name: 'Europe/London weekly Monday 09:00 handoff across the start of BST (2027-03-28)',
    schedule: schedule('Europe/London', [
      {
        start: '2027-03-22T09:00:00Z',
        rotation_virtual_start: '2027-03-22T09:00:00Z',
        rotation_turn_length_seconds: 604_800,
        users: users('A', 'B'),
      },
    ]),
    since: '2027-03-22T09:00:00Z',
    until: '2027-04-05T08:00:00Z',
    final: [
      ['2027-03-22T09:00:00+00:00', '2027-03-29T09:00:00+01:00', 'A'],
      ['2027-03-29T09:00:00+01:00', '2027-04-05T09:00:00+01:00', 'B'],
    ],
    coverage: 100,
  },
  {
    name: 'Australia/Lord_Howe: 30-minute DST (2027-10-03), daily 09:00 handoff, a 23.5-hour turn',
    schedule: schedule('Australia/Lord_Howe', [daily('2027-10-02T09:00:00+10:30', ['A', 'B'])]),
    since: '2027-10-02T09:00:00+10:30',
    until: '2027-10-04T09:00:00+11:00',
    final: [
      ['2027-10-02T09:00:00+10:30', '2027-10-03T09:00:00+11:00', 'A'],
      ['2027-10-03T09:00:00+11:00', '2027-10-04T09:00:00+11:00', 'B'],
    ],
    coverage: 100,
  },
  {
    name: 'a daily restriction spanning midnight (22:00 for 8 hours) masks the rotation',
    schedule: schedule('UTC', [
      daily('2027-01-04T00:00:00Z', ['A', 'B'], {
        restrictions: [{ type: 'daily_restriction', start_time_of_day: '22:00:00', duration_seconds: 28_800 }],
      }),
    ]),
    since: '2027-01-04T00:00:00Z',
    until: '2027-01-06T00:00:00Z',
    final: [
      ['2027-01-04T00:00:00Z', '2027-01-04T06:00:00Z', 'A'],
      ['2027-01-04T22:00:00Z', '2027-01-05T00:00:00Z', 'A'],
      ['2027-01-05T00:00:00Z', '2027-01-05T06:00:00Z', 'B'],
      ['2027-01-05T22:00:00Z', '2027-01-06T00:00:00Z', 'B'],
    ],
    // 16 hours of 48
    coverage: 33.33,
  },
  {
    name: 'a restriction over the spring-forward night lasts its elapsed 10 hours (22:00 EST to 09:00 EDT)',
    schedule: schedule('America/New_York', [
      {
        start: '2027-03-01T00:00:00-05:00',
        rotation_virtual_start: '2027-03-01T00:00:00-05:00',
        rotation_turn_length_seconds: 604_800,
        users: users('A'),
        restrictions: [{ type: 'daily_restriction', start_time_of_day: '22:00:00', duration_seconds: 36_000 }],
      },
    ]),
    since: '2027-03-13T12:00:00-05:00',
    until: '2027-03-14T12:00:00-04:00',
    final: [['2027-03-13T22:00:00-05:00', '2027-03-14T09:00:00-04:00', 'A']],
    // 10 of 23 hours
    coverage: 43.48,
  },
  {
    name: 'a weekly restriction (Monday 09:00 to Friday 17:00) leaves the weekend uncovered',
    schedule: schedule('UTC', [
      {
        start: '2027-01-04T00:00:00Z',
        rotation_virtual_start: '2027-01-04T00:00:00Z',
        rotation_turn_length_seconds: 604_800,
        users: users('A'),
        restrictions: [
          {
            type: 'weekly_restriction',
            start_time_of_day: '09:00:00',
            duration_seconds: 374_400,
            start_day_of_week: 1,
          },
        ],
      },
    ]),
    since: '2027-01-04T00:00:00Z',
    until: '2027-01-11T00:00:00Z',
    final: [['2027-01-04T09:00:00Z', '2027-01-08T17:00:00Z', 'A']],
    // 104 hours of 168
    coverage: 61.9,
  },
  {
    name: 'a layer starting in the future keeps the turn order of its virtual start',
    schedule: schedule('UTC', [
      daily('2027-02-10T00:00:00Z', ['A', 'B'], { rotation_virtual_start: '2027-02-01T00:00:00Z' }),
    ]),
    since: '2027-02-01T00:00:00Z',
    until: '2027-02-15T00:00:00Z',
    final: [
      // 2027-02-10 is turn 9 from the virtual start: B.
      ['2027-02-10T00:00:00Z', '2027-02-11T00:00:00Z', 'B'],
      ['2027-02-11T00:00:00Z', '2027-02-12T00:00:00Z', 'A'],
      ['2027-02-12T00:00:00Z', '2027-02-13T00:00:00Z', 'B'],
      ['2027-02-13T00:00:00Z', '2027-02-14T00:00:00Z', 'A'],
      ['2027-02-14T00:00:00Z', '2027-02-15T00:00:00Z', 'B'],
    ],
    // 5 days of 14
    coverage: 35.71,
  },
  {
    name: 'a layer with an end stops mid-turn',
    schedule: schedule('UTC', [daily('2027-01-01T00:00:00Z', ['A', 'B'], { end: '2027-01-03T12:00:00Z' })]),
    since: '2027-01-01T00:00:00Z',
    until: '2027-01-05T00:00:00Z',
    final: [
      ['2027-01-01T00:00:00Z', '2027-01-02T00:00:00Z', 'A'],
      ['2027-01-02T00:00:00Z', '2027-01-03T00:00:00Z', 'B'],
      ['2027-01-03T00:00:00Z', '2027-01-03T12:00:00Z', 'A'],
    ],
    // 60 hours of 96
    coverage: 62.5,
  },
  {
    name: 'a rotation whose virtual start precedes the range: the range opens mid-turn',
    schedule: schedule('UTC', [daily('2026-12-01T00:00:00Z', ['A', 'B', 'C'])]),
    since: '2027-01-01T12:00:00Z',
    until: '2027-01-02T12:00:00Z',
    // 2027-01-01 is turn 31 from 2026-12-01: 31 mod 3 = 1, B; then C.
    final: [
      ['2027-01-01T12:00:00Z', '2027-01-02T00:00:00Z', 'B'],
      ['2027-01-02T00:00:00Z', '2027-01-02T12:00:00Z', 'C'],
    ],
    coverage: 100,
  },
];

describe('renderSchedule: final schedule', () => {
  it.each(cases)('$name', ({ schedule: s, since, until, final, coverage }) => {
    const out = render(s, since, until);
    expect(rows(out.final.renderedEntries)).toEqual(final);
    expect(out.final.coveragePercent).toBe(coverage);
  });

  it('the spring-forward turn is 23 hours and the fall-back turn 25 hours long', () => {
    const spring = render(cases[2]?.schedule as Schedule, cases[2]?.since ?? '', cases[2]?.until ?? '');
    const fall = render(cases[3]?.schedule as Schedule, cases[3]?.since ?? '', cases[3]?.until ?? '');
    const length = (e?: { start: string; end: string }) => (e ? Date.parse(e.end) - Date.parse(e.start) : 0);
    expect(length(spring.final.renderedEntries[0])).toBe(23 * H);
    expect(length(fall.final.renderedEntries[0])).toBe(25 * H);
  });
});

describe('renderSchedule: layers and overrides', () => {
  // Layer 1: A around the clock. Layer 2 (higher, wins): B 09:00-17:00 daily.
  const layers: LayerJson[] = [
    {
      name: 'Layer 1',
      start: '2027-01-01T00:00:00Z',
      rotation_virtual_start: '2027-01-01T00:00:00Z',
      rotation_turn_length_seconds: 604_800,
      users: users('A'),
    },
    daily('2027-01-01T00:00:00Z', ['B'], {
      name: 'Layer 2',
      restrictions: [{ type: 'daily_restriction', start_time_of_day: '09:00:00', duration_seconds: 28_800 }],
    }),
  ];
  const since = '2027-01-04T00:00:00Z';
  const until = '2027-01-05T00:00:00Z';

  it('the later layer overrides the earlier one where both have someone', () => {
    const out = render(schedule('UTC', layers), since, until);
    expect(out.layers.map((l) => [l.name, rows(l.renderedEntries), l.coveragePercent])).toEqual([
      ['Layer 1', [['2027-01-04T00:00:00Z', '2027-01-05T00:00:00Z', 'A']], 100],
      ['Layer 2', [['2027-01-04T09:00:00Z', '2027-01-04T17:00:00Z', 'B']], 33.33],
    ]);
    expect(rows(out.final.renderedEntries)).toEqual([
      ['2027-01-04T00:00:00Z', '2027-01-04T09:00:00Z', 'A'],
      ['2027-01-04T09:00:00Z', '2027-01-04T17:00:00Z', 'B'],
      ['2027-01-04T17:00:00Z', '2027-01-05T00:00:00Z', 'A'],
    ]);
    expect(out.overrides).toEqual({ renderedEntries: [], coveragePercent: 0 });
  });

  it('an override crossing a layer boundary wins over both layers', () => {
    const s = schedule('UTC', layers, [
      { start: '2027-01-04T16:00:00Z', end: '2027-01-04T18:00:00Z', user: { id: 'C' } },
    ]);
    const out = render(s, since, until);
    expect(rows(out.overrides.renderedEntries)).toEqual([['2027-01-04T16:00:00Z', '2027-01-04T18:00:00Z', 'C']]);
    // 2 hours of 24
    expect(out.overrides.coveragePercent).toBe(8.33);
    expect(rows(out.final.renderedEntries)).toEqual([
      ['2027-01-04T00:00:00Z', '2027-01-04T09:00:00Z', 'A'],
      ['2027-01-04T09:00:00Z', '2027-01-04T16:00:00Z', 'B'],
      ['2027-01-04T16:00:00Z', '2027-01-04T18:00:00Z', 'C'],
      ['2027-01-04T18:00:00Z', '2027-01-05T00:00:00Z', 'A'],
    ]);
    // Layers are rendered as configured; only the final schedule shows the override.
    expect(rows(out.layers[1]?.renderedEntries ?? [])).toEqual([['2027-01-04T09:00:00Z', '2027-01-04T17:00:00Z', 'B']]);
  });

  it('of two overlapping overrides the newer (listed later) wins', () => {
    const s = schedule('UTC', layers, [
      { start: '2027-01-04T16:00:00Z', end: '2027-01-04T18:00:00Z', user: { id: 'C' } },
      { start: '2027-01-04T17:00:00Z', end: '2027-01-04T17:30:00Z', user: { id: 'D' } },
    ]);
    expect(rows(render(s, since, until).overrides.renderedEntries)).toEqual([
      ['2027-01-04T16:00:00Z', '2027-01-04T17:00:00Z', 'C'],
      ['2027-01-04T17:00:00Z', '2027-01-04T17:30:00Z', 'D'],
      ['2027-01-04T17:30:00Z', '2027-01-04T18:00:00Z', 'C'],
    ]);
  });

  it('an override by the user already on call merges with their entry', () => {
    const s = schedule('UTC', layers, [
      { start: '2027-01-04T17:00:00Z', end: '2027-01-04T19:00:00Z', user: { id: 'B' } },
    ]);
    expect(rows(render(s, since, until).final.renderedEntries)).toEqual([
      ['2027-01-04T00:00:00Z', '2027-01-04T09:00:00Z', 'A'],
      ['2027-01-04T09:00:00Z', '2027-01-04T19:00:00Z', 'B'],
      ['2027-01-04T19:00:00Z', '2027-01-05T00:00:00Z', 'A'],
    ]);
  });

  it('prints entries in the requested time zone, computing in the schedule zone', () => {
    const s = schedule('UTC', layers);
    const out = render(s, since, until, 'America/New_York');
    expect(rows(out.final.renderedEntries)[1]).toEqual(['2027-01-04T04:00:00-05:00', '2027-01-04T12:00:00-05:00', 'B']);
  });

  it('clips entries to the range (overflow=false)', () => {
    const out = render(schedule('UTC', layers), '2027-01-04T10:00:00Z', '2027-01-04T11:00:00Z');
    expect(rows(out.final.renderedEntries)).toEqual([['2027-01-04T10:00:00Z', '2027-01-04T11:00:00Z', 'B']]);
  });
});

describe('renderSchedule refuses', () => {
  const s = schedule('UTC', [daily('2027-01-01T00:00:00Z', ['A'])]);
  it.each([
    ['until before since', { since: 2, until: 1 }, 'until must be after since'],
    ['an unknown zone', { since: 1, until: 2, timeZone: 'Mars/Olympus' }, 'time_zone must be an IANA time zone name'],
  ])('%s', (_name, window, error) => {
    expect(renderSchedule(s, window)).toEqual({ ok: false, errors: [error] });
  });

  it('a range that would walk too many turns', () => {
    const fine = schedule('UTC', [{ ...daily('2027-01-01T00:00:00Z', ['A']), rotation_turn_length_seconds: 1 }]);
    const out = renderSchedule(fine, {
      since: Date.parse('2027-01-01T00:00:00Z'),
      until: Date.parse('2027-02-01T00:00:00Z'),
    });
    expect(out.ok).toBe(false);
  });
});
