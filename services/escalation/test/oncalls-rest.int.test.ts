import { seedSchedule } from './fixtures';
import { escalationHarness } from './harness';

let h: Awaited<ReturnType<typeof escalationHarness>>;

beforeAll(async () => {
  // Now is 2027-01-04 12:00 UTC: Bob's 09:00-16:00 stretch on the schedule.
  h = await escalationHarness(new Date('2027-01-04T12:00:00Z'));
  await seedSchedule(h);
});
afterAll(() => h.close());

type Entry = {
  escalation_policy: { id: string };
  escalation_level: number;
  schedule: { id: string } | null;
  user: { id: string; email?: string };
  start: string | null;
  end: string | null;
};
const brief = (entries: Entry[]) =>
  entries.map((e) => [e.escalation_level, e.schedule?.id ?? null, e.user.id, e.start, e.end]);

async function oncalls(query = '') {
  const res = await h.api('GET', `/oncalls${query}`);
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('GET /oncalls: what works', () => {
  it('now: the schedule level with its whole shift, the direct user permanently', async () => {
    const body = await oncalls();
    expect(brief(body.oncalls)).toEqual([
      [1, 'PSCH1', 'PBOB', '2027-01-04T09:00:00Z', '2027-01-04T16:00:00Z'],
      [2, null, 'PCAROL', null, null],
    ]);
    expect(body.oncalls[0]).toMatchObject({
      escalation_policy: { id: 'PEP1', type: 'escalation_policy_reference', summary: 'Checkout' },
      schedule: { id: 'PSCH1', type: 'schedule_reference', summary: 'Primary' },
      user: { id: 'PBOB', type: 'user_reference', summary: 'Bob' },
    });
    expect(body).toMatchObject({ limit: 25, offset: 0, more: false, total: null });
  });

  it('a range lists every overlapping shift, not cut at since/until, in time_zone', async () => {
    const body = await oncalls('?since=2027-01-04T00:00:00Z&until=2027-01-05T00:00:00Z&time_zone=Europe/Paris');
    expect(brief(body.oncalls)).toEqual([
      [1, 'PSCH1', 'PALICE', '2027-01-03T18:00:00+01:00', '2027-01-04T10:00:00+01:00'],
      [1, 'PSCH1', 'PBOB', '2027-01-04T10:00:00+01:00', '2027-01-04T17:00:00+01:00'],
      [1, 'PSCH1', 'PCAROL', '2027-01-04T17:00:00+01:00', '2027-01-04T19:00:00+01:00'],
      [1, 'PSCH1', 'PALICE', '2027-01-04T19:00:00+01:00', '2027-01-05T10:00:00+01:00'],
      [2, null, 'PCAROL', null, null],
    ]);
  });

  it.each([
    [
      'user_ids[]=PCAROL',
      [
        [1, 'PSCH1', 'PCAROL'],
        [2, null, 'PCAROL'],
      ],
    ],
    [
      'schedule_ids[]=PSCH1',
      [
        [1, 'PSCH1', 'PALICE'],
        [1, 'PSCH1', 'PBOB'],
        [1, 'PSCH1', 'PCAROL'],
        [1, 'PSCH1', 'PALICE'],
      ],
    ],
    ['schedule_ids[]=null', [[2, null, 'PCAROL']]],
    ['escalation_policy_ids[]=POTHER', []],
    [
      'earliest=true',
      [
        [1, 'PSCH1', 'PALICE'],
        [1, 'PSCH1', 'PBOB'],
        [1, 'PSCH1', 'PCAROL'],
        [2, null, 'PCAROL'],
      ],
    ],
  ])('filters: %s', async (filter, expected) => {
    const body = await oncalls(`?since=2027-01-04T00:00:00Z&until=2027-01-05T00:00:00Z&${filter}`);
    expect(body.oncalls.map((e: Entry) => [e.escalation_level, e.schedule?.id ?? null, e.user.id])).toEqual(expected);
  });

  it('pages with offset/limit/more/total', async () => {
    const range = '?since=2027-01-04T00:00:00Z&until=2027-01-05T00:00:00Z';
    const first = await oncalls(`${range}&limit=2&total=true`);
    expect(first).toMatchObject({ limit: 2, offset: 0, more: true, total: 5 });
    expect(first.oncalls).toHaveLength(2);
    const last = await oncalls(`${range}&limit=2&offset=4`);
    expect(last).toMatchObject({ offset: 4, more: false });
    expect(brief(last.oncalls)).toEqual([[2, null, 'PCAROL', null, null]]);
  });

  it('include[] expands users, schedules and escalation policies', async () => {
    const body = await oncalls('?include[]=users&include[]=schedules&include[]=escalation_policies');
    expect(body.oncalls[0].user).toMatchObject({ id: 'PBOB', type: 'user', email: 'bob@example.com' });
    expect(body.oncalls[0].schedule).toMatchObject({ id: 'PSCH1', type: 'schedule', time_zone: 'UTC' });
    expect(body.oncalls[0].escalation_policy).toMatchObject({ id: 'PEP1', type: 'escalation_policy', num_loops: 0 });
  });
});

describe('GET /oncalls: what is refused', () => {
  it.each([
    ['?since=nope', ['since is not a valid ISO 8601 date-time']],
    ['?since=2027-01-05T00:00:00Z&until=2027-01-04T00:00:00Z', ['until cannot be before since']],
    ['?until=2027-06-01T00:00:00Z', ['until may be at most 90 days in the future']],
    ['?time_zone=Nowhere', ['time_zone is not a known time zone: Nowhere']],
    ['?include[]=teams', ['querystring.include[].0 must be one of: escalation_policies, users, schedules']],
  ])('%s', async (query, errors) => {
    const res = await h.api('GET', `/oncalls${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { message: 'Invalid Input Provided', code: 2001, errors } });
  });

  it('no token is 401', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/oncalls' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe(2006);
  });
});
