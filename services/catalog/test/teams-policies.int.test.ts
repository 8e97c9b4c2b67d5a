import { type CatalogHarness, catalogHarness, policyBody, scheduleBody, serviceBody } from './harness';

describe('teams and escalation policies', () => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await catalogHarness();
  });
  afterAll(() => h.close());

  const team = async (name: string) =>
    (await h.owner.call('POST', '/teams', { team: { type: 'team', name } })).body.team;

  describe('works', () => {
    it('creates teams with members and roles, lists members, and deletes with reassignment', async () => {
      const created = await h.owner.call('POST', '/teams', {
        team: { type: 'team', name: 'Platform', description: 'Infra' },
      });
      expect(created.status).toBe(201);
      const platform = created.body.team;
      expect(platform).toMatchObject({
        type: 'team',
        name: 'Platform',
        description: 'Infra',
        default_role: 'manager',
        parent: null,
      });
      const child = await h.owner.call('POST', '/teams', {
        team: { name: 'Databases', parent: { id: platform.id, type: 'team_reference' } },
      });
      expect(child.body.team.parent).toMatchObject({ id: platform.id, type: 'team_reference' });
      const member = await h.userWithToken('limited_user');
      expect(
        (await h.owner.call('PUT', `/teams/${platform.id}/users/${member.id}`, { role: 'responder' })).status,
      ).toBe(204);
      expect((await h.owner.call('PUT', `/teams/${platform.id}/users/${h.owner.id}`)).status).toBe(204);
      const members = await h.owner.call('GET', `/teams/${platform.id}/members?total=true`);
      expect(members.body).toMatchObject({ total: 2, more: false });
      expect(members.body.members).toEqual(
        expect.arrayContaining([
          { user: expect.objectContaining({ id: member.id, type: 'user_reference' }), role: 'responder' },
        ]),
      );
      expect((await h.owner.call('GET', `/users/${member.id}`)).body.user.teams).toEqual([
        expect.objectContaining({ id: platform.id }),
      ]);
      expect((await h.owner.call('GET', `/users?team_ids[]=${platform.id}`)).body.users).toHaveLength(2);
      const renamed = await h.owner.call('PUT', `/teams/${platform.id}`, { team: { name: 'Platform Eng' } });
      expect(renamed.body.team.name).toBe('Platform Eng');
      expect((await h.owner.call('DELETE', `/teams/${platform.id}/users/${member.id}`)).status).toBe(204);

      const policy = (
        await h.owner.call('POST', '/escalation_policies', policyBody(h.owner.id, 'Platform EP', platform.id))
      ).body.escalation_policy;
      const service = (await h.owner.call('POST', '/services', serviceBody(policy.id))).body.service;
      expect(service.teams).toEqual([expect.objectContaining({ id: platform.id })]);
      const reassigned = await h.owner.call('DELETE', `/teams/${platform.id}?reassignment_team=${child.body.team.id}`);
      expect(reassigned.status).toBe(204);
      expect((await h.owner.call('GET', `/escalation_policies/${policy.id}`)).body.escalation_policy.teams).toEqual([
        expect.objectContaining({ id: child.body.team.id }),
      ]);
      expect((await h.owner.call('GET', `/services/${service.id}`)).body.service.teams).toEqual([
        expect.objectContaining({ id: child.body.team.id }),
      ]);
    });

    it('creates a policy with user and schedule targets, updates, filters and deletes it once unused', async () => {
      const backend = await team('Backend');
      const schedule = (await h.owner.call('POST', '/schedules', scheduleBody(h.owner.id, 'Primary'))).body.schedule;
      const created = await h.owner.call('POST', '/escalation_policies', {
        escalation_policy: {
          type: 'escalation_policy',
          name: 'Backend EP',
          num_loops: 2,
          on_call_handoff_notifications: 'always',
          teams: [{ id: backend.id, type: 'team_reference' }],
          escalation_rules: [
            { escalation_delay_in_minutes: 10, targets: [{ id: schedule.id, type: 'schedule_reference' }] },
            {
              escalation_delay_in_minutes: 20,
              targets: [{ id: h.owner.id, type: 'user_reference' }],
              escalation_rule_assignment_strategy: 'round_robin',
            },
          ],
        },
      });
      expect(created.status).toBe(201);
      const ep = created.body.escalation_policy;
      expect(ep).toMatchObject({
        type: 'escalation_policy',
        num_loops: 2,
        on_call_handoff_notifications: 'always',
        teams: [{ id: backend.id, type: 'team_reference' }],
        escalation_rules: [
          {
            escalation_delay_in_minutes: 10,
            targets: [{ id: schedule.id, type: 'schedule_reference', summary: 'Primary' }],
          },
          {
            escalation_delay_in_minutes: 20,
            targets: [{ id: h.owner.id, type: 'user_reference' }],
            escalation_rule_assignment_strategy: { type: 'round_robin' },
          },
        ],
        services: [],
      });
      // GET /schedules/{id} is escalation's (rendered); the catalog's list shows the configuration.
      const listed = (await h.owner.call('GET', '/schedules')).body.schedules;
      expect(listed.find((x: { id: string }) => x.id === schedule.id).escalation_policies).toEqual([
        expect.objectContaining({ id: ep.id }),
      ]);
      const ruleId = ep.escalation_rules[0].id;
      const updated = await h.owner.call('PUT', `/escalation_policies/${ep.id}`, {
        escalation_policy: {
          num_loops: 0,
          escalation_rules: [
            { id: ruleId, escalation_delay_in_minutes: 15, targets: [{ id: h.owner.id, type: 'user_reference' }] },
          ],
        },
      });
      expect(updated.body.escalation_policy).toMatchObject({
        num_loops: 0,
        escalation_rules: [{ id: ruleId, escalation_delay_in_minutes: 15 }],
      });
      expect(
        (await h.owner.call('GET', `/escalation_policies?team_ids[]=${backend.id}`)).body.escalation_policies,
      ).toHaveLength(1);
      expect(
        (await h.owner.call('GET', `/escalation_policies?user_ids[]=${h.owner.id}&query=backend`)).body
          .escalation_policies,
      ).toHaveLength(1);
      const service = (await h.owner.call('POST', '/services', serviceBody(ep.id))).body.service;
      const withServices = await h.owner.call('GET', `/escalation_policies/${ep.id}?include[]=teams`);
      expect(withServices.body.escalation_policy).toMatchObject({
        services: [{ id: service.id }],
        teams: [{ type: 'team', name: 'Backend' }],
      });
      await h.owner.call('DELETE', `/services/${service.id}`);
      expect((await h.owner.call('DELETE', `/escalation_policies/${ep.id}`)).status).toBe(204);
      expect((await h.owner.call('GET', `/escalation_policies/${ep.id}`)).status).toBe(404);
    });

    it('adds and removes a policy to a team', async () => {
      const ops = await team('Ops');
      const policy = (await h.owner.call('POST', '/escalation_policies', policyBody(h.owner.id))).body
        .escalation_policy;
      expect((await h.owner.call('PUT', `/teams/${ops.id}/escalation_policies/${policy.id}`)).status).toBe(204);
      expect((await h.owner.call('GET', `/escalation_policies/${policy.id}`)).body.escalation_policy.teams).toEqual([
        expect.objectContaining({ id: ops.id }),
      ]);
      expect((await h.owner.call('DELETE', `/teams/${ops.id}/escalation_policies/${policy.id}`)).status).toBe(204);
      expect((await h.owner.call('GET', `/escalation_policies/${policy.id}`)).body.escalation_policy.teams).toEqual([]);
    });
  });

  describe('refused', () => {
    it('refuses dangling targets, bad rules, deleting a policy in use and bad teams', async () => {
      const bad = async (policy: object) =>
        h.owner.call('POST', '/escalation_policies', {
          escalation_policy: { type: 'escalation_policy', name: 'x', ...policy },
        });
      const dangling = await bad({
        escalation_rules: [
          {
            escalation_delay_in_minutes: 5,
            targets: [
              { id: 'PGHOST1', type: 'user_reference' },
              { id: 'PGHOST2', type: 'schedule_reference' },
            ],
          },
        ],
      });
      expect(dangling.status).toBe(400);
      expect(dangling.body.error.errors[0]).toContain('user PGHOST1, schedule PGHOST2');
      expect((await bad({ escalation_rules: [] })).status).toBe(400);
      expect((await bad({ escalation_rules: [{ escalation_delay_in_minutes: 5, targets: [] }] })).status).toBe(400);
      const eleven = Array.from({ length: 11 }, () => ({ id: h.owner.id, type: 'user_reference' }));
      expect((await bad({ escalation_rules: [{ escalation_delay_in_minutes: 5, targets: eleven }] })).status).toBe(400);
      expect(
        (
          await bad({
            num_loops: -1,
            escalation_rules: [{ escalation_delay_in_minutes: 5, targets: [{ id: h.owner.id, type: 'user' }] }],
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await bad({
            teams: [{ id: 'PNOTEAM' }],
            escalation_rules: [{ escalation_delay_in_minutes: 5, targets: [{ id: h.owner.id, type: 'user' }] }],
          })
        ).status,
      ).toBe(400);

      const policy = (await h.owner.call('POST', '/escalation_policies', policyBody(h.owner.id))).body
        .escalation_policy;
      await h.owner.call('POST', '/services', serviceBody(policy.id));
      const inUse = await h.owner.call('DELETE', `/escalation_policies/${policy.id}`);
      expect(inUse.status).toBe(400);
      expect(inUse.body.error.errors[0]).toContain('Escalation Policy is in use');
      expect((await h.owner.call('POST', '/teams', { team: { name: 'x'.repeat(101) } })).status).toBe(400);
      expect((await h.owner.call('POST', '/teams', { team: { name: 'y', default_role: 'admin' } })).status).toBe(400);
      expect((await h.owner.call('PUT', '/teams/PNOTEAM/users/PNOUSER', { role: 'manager' })).status).toBe(404);
      const t = await team('Roles');
      expect((await h.owner.call('PUT', `/teams/${t.id}/users/${h.owner.id}`, { role: 'boss' })).status).toBe(400);
    });
  });

  describe('who is refused', () => {
    it('lets a team manager manage only their team and its policies', async () => {
      const mine = await team('Mine');
      const theirs = await team('Theirs');
      const manager = await h.userWithToken('limited_user');
      await h.owner.call('PUT', `/teams/${mine.id}/users/${manager.id}`, { role: 'manager' });
      expect((await manager.call('PUT', `/teams/${mine.id}`, { team: { description: 'ok' } })).status).toBe(200);
      expect((await manager.call('PUT', `/teams/${theirs.id}`, { team: { description: 'no' } })).status).toBe(403);
      expect((await manager.call('POST', '/teams', { team: { name: 'New' } })).status).toBe(403);
      expect(
        (await manager.call('POST', '/escalation_policies', policyBody(manager.id, undefined, mine.id))).status,
      ).toBe(201);
      expect(
        (await manager.call('POST', '/escalation_policies', policyBody(manager.id, undefined, theirs.id))).status,
      ).toBe(403);
      expect((await manager.call('POST', '/escalation_policies', policyBody(manager.id))).status).toBe(403);
      expect((await manager.call('PUT', `/teams/${theirs.id}/users/${manager.id}`, { role: 'manager' })).status).toBe(
        403,
      );
      const responder = await h.userWithToken('limited_user');
      await h.owner.call('PUT', `/teams/${mine.id}/users/${responder.id}`, { role: 'responder' });
      expect((await responder.call('PUT', `/teams/${mine.id}`, { team: { description: 'no' } })).status).toBe(403);
    });
  });
});
