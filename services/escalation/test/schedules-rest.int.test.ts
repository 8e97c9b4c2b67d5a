import { rows, seedSchedule } from './fixtures';
import { escalationHarness, READ_TOKEN } from './harness';

let h: Awaited<ReturnType<typeof escalationHarness>>;

beforeAll(async () => {
  h = await escalationHarness();
  await seedSchedule(h);
});
afterAll(() => h.close());

const day = 'since=2027-01-04T00:00:00Z&until=2027-01-05T00:00:00Z';

describe('rendered schedules: what works', () => {
  it('GET /schedules/{id} renders layers, overrides and the final schedule as PagerDuty does', async () => {
    const res = await h.api('GET', `/schedules/PSCH1?${day}`);
    expect(res.statusCode).toBe(200);
    const s = res.json().schedule;
    expect(s).toMatchObject({
      id: 'PSCH1',
      type: 'schedule',
      self: 'https://klaxon.test/schedules/PSCH1',
      time_zone: 'UTC',
      escalation_policies: [{ id: 'PEP1', type: 'escalation_policy_reference', summary: 'Checkout' }],
      teams: [{ id: 'PTEAM1', type: 'team_reference', summary: 'Core' }],
      users: [
        { id: 'PALICE', summary: 'Alice' },
        { id: 'PBOB', summary: 'Bob' },
      ],
    });
    expect(
      s.schedule_layers.map((l: { id: string; rendered_coverage_percentage: number }) => [
        l.id,
        l.rendered_coverage_percentage,
      ]),
    ).toEqual([
      ['PLAY1', 100],
      ['PLAY2', 33.33],
    ]);
    expect(rows(s.schedule_layers[1].rendered_schedule_entries)).toEqual([
      ['2027-01-04T09:00:00Z', '2027-01-04T17:00:00Z', 'PBOB'],
    ]);
    expect(s.overrides_subschedule).toMatchObject({ name: 'Overrides', rendered_coverage_percentage: 8.33 });
    expect(rows(s.overrides_subschedule.rendered_schedule_entries)).toEqual([
      ['2027-01-04T16:00:00Z', '2027-01-04T18:00:00Z', 'PCAROL'],
    ]);
    expect(s.final_schedule).toMatchObject({ name: 'Final Schedule', rendered_coverage_percentage: 100 });
    expect(rows(s.final_schedule.rendered_schedule_entries)).toEqual([
      ['2027-01-04T00:00:00Z', '2027-01-04T09:00:00Z', 'PALICE'],
      ['2027-01-04T09:00:00Z', '2027-01-04T16:00:00Z', 'PBOB'],
      ['2027-01-04T16:00:00Z', '2027-01-04T18:00:00Z', 'PCAROL'],
      ['2027-01-04T18:00:00Z', '2027-01-05T00:00:00Z', 'PALICE'],
    ]);
    expect(s.final_schedule.rendered_schedule_entries[2].user).toEqual({
      id: 'PCAROL',
      type: 'user_reference',
      summary: 'Carol',
      self: 'https://klaxon.test/users/PCAROL',
      html_url: 'https://klaxon.test/users/PCAROL',
    });
  });

  it('prints entries in time_zone; since alone renders two weeks', async () => {
    const res = await h.api('GET', `/schedules/PSCH1?${day}&time_zone=America/New_York`);
    expect(rows(res.json().schedule.final_schedule.rendered_schedule_entries)[1]).toEqual([
      '2027-01-04T04:00:00-05:00',
      '2027-01-04T11:00:00-05:00',
      'PBOB',
    ]);
    const twoWeeks = (await h.api('GET', '/schedules/PSCH1?since=2027-01-04T00:00:00Z')).json().schedule;
    expect(twoWeeks.final_schedule.rendered_schedule_entries.at(-1).end).toBe('2027-01-18T00:00:00Z');
  });

  it('without since/until nothing is rendered: empty entries, null coverage', async () => {
    const s = (await h.api('GET', '/schedules/PSCH1')).json().schedule;
    expect(s.final_schedule).toEqual({
      name: 'Final Schedule',
      rendered_schedule_entries: [],
      rendered_coverage_percentage: null,
    });
    expect(s.schedule_layers[0]).toMatchObject({ rendered_schedule_entries: [], rendered_coverage_percentage: null });
  });

  it('GET /schedules/{id}/users lists the users on call in the range', async () => {
    const all = await h.api('GET', `/schedules/PSCH1/users?${day}`);
    expect(all.statusCode).toBe(200);
    expect(all.json().users.map((u: { id: string; email: string }) => [u.id, u.email])).toEqual([
      ['PALICE', 'alice@example.com'],
      ['PBOB', 'bob@example.com'],
      ['PCAROL', 'carol@example.com'],
    ]);
    const morning = await h.api('GET', '/schedules/PSCH1/users?since=2027-01-04T00:00:00Z&until=2027-01-04T08:00:00Z');
    expect(morning.json().users.map((u: { id: string }) => u.id)).toEqual(['PALICE']);
  });

  it('POST /schedules/preview renders a body without storing it', async () => {
    const res = await h.api(
      'POST',
      '/schedules/preview?since=2027-03-13T09:00:00-05:00&until=2027-03-15T09:00:00-04:00',
      {
        schedule: {
          name: 'Nights',
          type: 'schedule',
          time_zone: 'America/New_York',
          schedule_layers: [
            {
              start: '2027-03-13T09:00:00-05:00',
              rotation_virtual_start: '2027-03-13T09:00:00-05:00',
              rotation_turn_length_seconds: 86_400,
              users: [
                { user: { id: 'PALICE', type: 'user_reference' } },
                { user: { id: 'PBOB', type: 'user_reference' } },
              ],
            },
          ],
        },
      },
    );
    expect(res.statusCode).toBe(200);
    const s = res.json().schedule;
    expect(s.id).toBeUndefined();
    expect(rows(s.final_schedule.rendered_schedule_entries)).toEqual([
      ['2027-03-13T09:00:00-05:00', '2027-03-14T09:00:00-04:00', 'PALICE'],
      ['2027-03-14T09:00:00-04:00', '2027-03-15T09:00:00-04:00', 'PBOB'],
    ]);
    expect(s.final_schedule.rendered_schedule_entries[0].user.summary).toBe('Alice');
  });
});

describe('rendered schedules: what is refused', () => {
  const invalid = (errors: string[]) => ({ error: { message: 'Invalid Input Provided', code: 2001, errors } });

  it.each([
    ['since=yesterday', ['since is not a valid ISO 8601 date-time']],
    ['since=2027-01-05T00:00:00Z&until=2027-01-04T00:00:00Z', ['until must be after since']],
    [`${day}&time_zone=Mars/Olympus`, ['time_zone is not a known time zone: Mars/Olympus']],
    [`${day}&overflow=true`, ['querystring.overflow must be one of: false, 0']],
  ])('GET /schedules/{id}?%s', async (query, errors) => {
    const res = await h.api('GET', `/schedules/PSCH1?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(invalid(errors));
  });

  it('an unknown schedule is 404', async () => {
    const res = await h.api('GET', `/schedules/PNOPE?${day}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe(2100);
  });

  it('a preview with a bad layer is 400 naming it', async () => {
    const res = await h.api('POST', '/schedules/preview', {
      schedule: {
        time_zone: 'UTC',
        schedule_layers: [
          {
            start: 'soon',
            rotation_virtual_start: '2027-01-01T00:00:00Z',
            rotation_turn_length_seconds: 60,
            users: [{ user: { id: 'PALICE' } }],
          },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(invalid(['schedule_layers[0].start must be an ISO 8601 date-time']));
  });
});

describe('rendered schedules: who is refused', () => {
  it('no token is 401', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/schedules/PSCH1?${day}` });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { message: 'Authentication failed', code: 2006 } });
  });

  it('an unknown token is 401', async () => {
    const res = await h.api('GET', '/oncalls', undefined, { authorization: 'Token token=not-a-known-token-at-all' });
    expect(res.statusCode).toBe(401);
  });

  it('a read-only token may render but not preview (a write in PagerDuty: schedules.write)', async () => {
    const read = { authorization: `Token token=${READ_TOKEN}` };
    expect((await h.api('GET', `/schedules/PSCH1?${day}`, undefined, read)).statusCode).toBe(200);
    const preview = await h.api(
      'POST',
      '/schedules/preview',
      { schedule: { time_zone: 'UTC', schedule_layers: [] } },
      read,
    );
    expect(preview.statusCode).toBe(403);
    expect(preview.json().error.code).toBe(2010);
  });
});
