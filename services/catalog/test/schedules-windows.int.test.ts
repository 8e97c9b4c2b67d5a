import { type CatalogHarness, catalogHarness, policyBody, serviceBody } from './harness';

const layer = (userIds: string[], extra: object = {}) => ({
  name: 'Day',
  start: '2026-11-01T09:00:00+01:00',
  rotation_virtual_start: '2026-11-01T09:00:00+01:00',
  rotation_turn_length_seconds: 604800,
  users: userIds.map((id) => ({ user: { id, type: 'user_reference' } })),
  ...extra,
});

describe('schedules and maintenance windows', () => {
  let h: CatalogHarness;
  let serviceId: string;
  const from = { from: 'owner@example.com' };
  beforeAll(async () => {
    h = await catalogHarness();
    const policy = (await h.owner.call('POST', '/escalation_policies', policyBody(h.owner.id))).body.escalation_policy;
    serviceId = (await h.owner.call('POST', '/services', serviceBody(policy.id))).body.service.id;
  });
  afterAll(() => h.close());

  describe('works', () => {
    it('creates a layered schedule with restrictions, updates it and manages overrides', async () => {
      const second = await h.userWithToken('limited_user');
      const created = await h.owner.call('POST', '/schedules', {
        schedule: {
          type: 'schedule',
          name: 'Follow the sun',
          time_zone: 'Europe/Berlin',
          schedule_layers: [
            layer([h.owner.id, second.id], {
              restrictions: [
                {
                  type: 'weekly_restriction',
                  start_time_of_day: '09:00:00',
                  duration_seconds: 28800,
                  start_day_of_week: 1,
                },
              ],
            }),
            layer([second.id], {
              name: 'Nights',
              restrictions: [{ type: 'daily_restriction', start_time_of_day: '20:00:00', duration_seconds: 36000 }],
            }),
          ],
        },
      });
      expect(created.status).toBe(201);
      const schedule = created.body.schedule;
      expect(schedule).toMatchObject({
        type: 'schedule',
        time_zone: 'Europe/Berlin',
        schedule_layers: [
          {
            name: 'Day',
            start: '2026-11-01T08:00:00.000Z',
            rotation_turn_length_seconds: 604800,
            users: [{ user: { id: h.owner.id } }, { user: { id: second.id } }],
          },
          { name: 'Nights', restrictions: [{ type: 'daily_restriction', duration_seconds: 36000 }] },
        ],
        users: expect.arrayContaining([expect.objectContaining({ id: second.id })]),
      });
      const layerId = schedule.schedule_layers[0].id;
      const updated = await h.owner.call('PUT', `/schedules/${schedule.id}`, {
        schedule: { name: 'FTS', schedule_layers: [layer([second.id], { id: layerId, end: '2027-01-01T00:00:00Z' })] },
      });
      expect(updated.body.schedule).toMatchObject({
        name: 'FTS',
        schedule_layers: [{ id: layerId, end: '2027-01-01T00:00:00.000Z' }],
      });
      // GET /schedules/{id}/users is escalation's; the list shows who the layers name.
      const found = (await h.owner.call('GET', '/schedules?query=fts')).body.schedules;
      expect(found).toHaveLength(1);
      expect(found[0].users).toEqual([expect.objectContaining({ id: second.id })]);

      const overrides = await h.owner.call('POST', `/schedules/${schedule.id}/overrides`, {
        overrides: [
          {
            start: '2026-11-26T11:00:00Z',
            end: '2026-11-26T13:00:00Z',
            user: { id: h.owner.id, type: 'user_reference' },
          },
          {
            start: '2026-11-27T00:00:00Z',
            end: '2026-11-28T00:00:00Z',
            user: { id: h.owner.id, type: 'user_reference' },
          },
          {
            start: '2026-11-27T00:00:00Z',
            end: '2026-11-26T00:00:00Z',
            user: { id: h.owner.id, type: 'user_reference' },
          },
        ],
      });
      expect(overrides.status).toBe(201);
      expect(overrides.body.map((r: { status: number }) => r.status)).toEqual([201, 201, 400]);
      const listed = await h.owner.call(
        'GET',
        `/schedules/${schedule.id}/overrides?since=2026-11-26T00:00:00Z&until=2026-11-30T00:00:00Z`,
      );
      expect(listed.body.overrides).toHaveLength(2);
      // The clock says 12:00: the first override is in progress (cut, 200), the second in the future (204).
      expect(
        (await h.owner.call('DELETE', `/schedules/${schedule.id}/overrides/${overrides.body[0].override.id}`)).status,
      ).toBe(200);
      expect(
        (await h.owner.call('DELETE', `/schedules/${schedule.id}/overrides/${overrides.body[1].override.id}`)).status,
      ).toBe(204);
      expect(
        (await h.owner.call('DELETE', `/schedules/${schedule.id}/overrides/${overrides.body[0].override.id}`)).status,
      ).toBe(400);
      expect((await h.owner.call('DELETE', `/schedules/${schedule.id}`)).status).toBe(204);
    });

    it('creates windows, clamps a past start, filters past/future/ongoing and ends an ongoing one on delete', async () => {
      const ongoing = await h.owner.call(
        'POST',
        '/maintenance_windows',
        {
          maintenance_window: {
            type: 'maintenance_window',
            start_time: '2026-11-26T10:00:00Z',
            end_time: '2026-11-26T14:00:00Z',
            description: 'DB upgrade',
            services: [{ id: serviceId, type: 'service_reference' }],
          },
        },
        from,
      );
      expect(ongoing.status).toBe(201);
      expect(ongoing.body.maintenance_window).toMatchObject({
        type: 'maintenance_window',
        start_time: '2026-11-26T12:00:00.000Z',
        end_time: '2026-11-26T14:00:00.000Z',
        description: 'DB upgrade',
        created_by: { id: h.owner.id, type: 'user_reference' },
        services: [{ id: serviceId, type: 'service_reference' }],
      });
      const future = await h.owner.call(
        'POST',
        '/maintenance_windows',
        {
          maintenance_window: {
            start_time: '2026-12-01T00:00:00Z',
            end_time: '2026-12-01T02:00:00Z',
            services: [{ id: serviceId }],
          },
        },
        from,
      );
      const ids = async (filter: string) =>
        (await h.owner.call('GET', `/maintenance_windows?filter=${filter}`)).body.maintenance_windows.map(
          (w: { id: string }) => w.id,
        );
      expect(await ids('ongoing')).toEqual([ongoing.body.maintenance_window.id]);
      expect(await ids('future')).toEqual([future.body.maintenance_window.id]);
      expect(await ids('open')).toHaveLength(2);
      expect(await ids('past')).toEqual([]);
      expect(
        (await h.owner.call('GET', `/maintenance_windows?service_ids[]=${serviceId}&query=upgrade`)).body
          .maintenance_windows,
      ).toHaveLength(1);
      const moved = await h.owner.call('PUT', `/maintenance_windows/${future.body.maintenance_window.id}`, {
        maintenance_window: { end_time: '2026-12-01T03:00:00Z' },
      });
      expect(moved.body.maintenance_window.end_time).toBe('2026-12-01T03:00:00.000Z');

      expect((await h.owner.call('DELETE', `/maintenance_windows/${ongoing.body.maintenance_window.id}`)).status).toBe(
        204,
      );
      const ended = await h.owner.call('GET', `/maintenance_windows/${ongoing.body.maintenance_window.id}`);
      expect(ended.body.maintenance_window.end_time).toBe('2026-11-26T12:00:00.000Z');
      expect(await ids('past')).toEqual([ongoing.body.maintenance_window.id]);
      expect((await h.owner.call('DELETE', `/maintenance_windows/${future.body.maintenance_window.id}`)).status).toBe(
        204,
      );
      expect((await h.owner.call('GET', `/maintenance_windows/${future.body.maintenance_window.id}`)).status).toBe(404);
    });
  });

  describe('refused', () => {
    it('refuses bad schedules and a schedule in use', async () => {
      const bad = (schedule: object) =>
        h.owner.call('POST', '/schedules', {
          schedule: {
            type: 'schedule',
            name: 's',
            time_zone: 'Etc/UTC',
            schedule_layers: [layer([h.owner.id])],
            ...schedule,
          },
        });
      expect((await bad({ time_zone: 'Moon/Base' })).status).toBe(400);
      expect((await bad({ schedule_layers: [layer(['PGHOST1'])] })).body.error.errors[0]).toContain('PGHOST1');
      expect((await bad({ schedule_layers: [layer([])] })).status).toBe(400);
      expect((await bad({ schedule_layers: [layer([h.owner.id], { end: '2026-10-01T00:00:00Z' })] })).status).toBe(400);
      expect((await bad({ schedule_layers: [layer([h.owner.id], { start: 'yesterday' })] })).status).toBe(400);
      expect((await bad({ schedule_layers: [layer([h.owner.id], { rotation_turn_length_seconds: 0 })] })).status).toBe(
        400,
      );
      expect(
        (
          await bad({
            schedule_layers: [
              layer([h.owner.id], {
                restrictions: [{ type: 'weekly_restriction', start_time_of_day: '09:00:00', duration_seconds: 60 }],
              }),
            ],
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await bad({
            schedule_layers: [
              layer([h.owner.id], {
                restrictions: [{ type: 'daily_restriction', start_time_of_day: '25:00:00', duration_seconds: 60 }],
              }),
            ],
          })
        ).status,
      ).toBe(400);
      const used = (await bad({})).body.schedule;
      await h.owner.call('POST', '/escalation_policies', {
        escalation_policy: {
          name: 'uses schedule',
          escalation_rules: [
            { escalation_delay_in_minutes: 5, targets: [{ id: used.id, type: 'schedule_reference' }] },
          ],
        },
      });
      const inUse = await h.owner.call('DELETE', `/schedules/${used.id}`);
      expect(inUse.status).toBe(400);
      expect(inUse.body.error.errors[0]).toContain('escalation policies');
      expect((await h.owner.call('GET', `/schedules/${used.id}/overrides`)).status).toBe(400);
    });

    it('refuses windows in the past, backwards, on unknown services, and deleting a finished one', async () => {
      const body = (w: object) => ({
        maintenance_window: {
          start_time: '2026-11-26T13:00:00Z',
          end_time: '2026-11-26T15:00:00Z',
          services: [{ id: serviceId }],
          ...w,
        },
      });
      expect(
        (
          await h.owner.call(
            'POST',
            '/maintenance_windows',
            body({ end_time: '2026-11-26T11:00:00Z', start_time: '2026-11-26T10:00:00Z' }),
            from,
          )
        ).status,
      ).toBe(400);
      expect(
        (
          await h.owner.call(
            'POST',
            '/maintenance_windows',
            body({ end_time: '2026-11-26T12:30:00Z', start_time: '2026-11-26T14:00:00Z' }),
            from,
          )
        ).status,
      ).toBe(400);
      expect(
        (await h.owner.call('POST', '/maintenance_windows', body({ services: [{ id: 'PNOSVC1' }] }), from)).body.error
          .errors[0],
      ).toContain('PNOSVC1');
      expect((await h.owner.call('POST', '/maintenance_windows', body({ services: [] }), from)).status).toBe(400);
      const window = (await h.owner.call('POST', '/maintenance_windows', body({}), from)).body.maintenance_window;
      h.clock.set(new Date('2026-11-26T16:00:00Z'));
      try {
        const finished = await h.owner.call('DELETE', `/maintenance_windows/${window.id}`);
        expect(finished.status).toBe(405);
        expect(finished.body.error.code).toBe(5003);
        expect(
          (
            await h.owner.call('PUT', `/maintenance_windows/${window.id}`, {
              maintenance_window: { description: 'late' },
            })
          ).status,
        ).toBe(400);
      } finally {
        h.clock.set(new Date('2026-11-26T12:00:00Z'));
      }
    });
  });

  describe('who is refused', () => {
    it('refuses responders and observers changing schedules and windows', async () => {
      const responder = await h.userWithToken('limited_user');
      const observer = await h.userWithToken('observer');
      for (const who of [responder, observer]) {
        expect(
          (
            await who.call('POST', '/schedules', {
              schedule: { name: 'n', time_zone: 'Etc/UTC', schedule_layers: [layer([who.id])] },
            })
          ).status,
        ).toBe(403);
        const mw = await who.call(
          'POST',
          '/maintenance_windows',
          {
            maintenance_window: {
              start_time: '2026-11-26T13:00:00Z',
              end_time: '2026-11-26T15:00:00Z',
              services: [{ id: serviceId }],
            },
          },
          { from: who.email },
        );
        expect(mw.status).toBe(403);
        expect((await who.call('GET', '/maintenance_windows')).status).toBe(200);
      }
    });
  });
});
