import { type CatalogHarness, catalogHarness } from './harness';

// Bodies shaped as official clients send them (the Terraform provider's Go client serializes unset
// pointers and lists as null, times with Go's String(), strategies as objects).
describe('official client request shapes', () => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await catalogHarness();
  });
  afterAll(() => h.close());

  it('accepts Terraform-provider style bodies end to end', async () => {
    const schedule = await h.owner.call('POST', '/schedules', {
      schedule: {
        name: 'tf schedule',
        time_zone: 'America/New_York',
        schedule_layers: [
          {
            name: 'Layer',
            start: '2026-11-01 08:00:00 +0000 UTC',
            rotation_virtual_start: '2026-11-01 08:00:00 +0000 UTC',
            rotation_turn_length_seconds: 86400,
            users: [{ user: { id: h.owner.id, type: 'user_reference' } }],
          },
        ],
      },
    });
    expect(schedule.status).toBe(201);
    expect(schedule.body.schedule.schedule_layers[0].start).toBe('2026-11-01T08:00:00.000Z');

    const policy = await h.owner.call('POST', '/escalation_policies', {
      escalation_policy: {
        name: 'tf policy',
        num_loops: 1,
        teams: null,
        escalation_rules: [
          {
            escalation_delay_in_minutes: 10,
            escalation_rule_assignment_strategy: { type: 'assign_to_everyone' },
            targets: [{ id: schedule.body.schedule.id, type: 'schedule_reference' }],
          },
        ],
      },
    });
    expect(policy.status).toBe(201);
    expect(policy.body.escalation_policy).toMatchObject({
      teams: [],
      escalation_rules: [{ escalation_rule_assignment_strategy: { type: 'assign_to_everyone' } }],
    });

    const service = await h.owner.call('POST', '/services', {
      service: {
        name: 'tf service',
        acknowledgement_timeout: null,
        auto_resolve_timeout: null,
        alert_grouping: 'time',
        alert_grouping_timeout: 10,
        alert_creation: 'create_alerts_and_incidents',
        escalation_policy: { id: policy.body.escalation_policy.id, type: 'escalation_policy_reference' },
        incident_urgency_rule: { type: 'constant', urgency: 'high' },
        auto_pause_notifications_parameters: { enabled: false, timeout: 0 },
      },
    });
    expect(service.status).toBe(201);
    expect(service.body.service).toMatchObject({
      acknowledgement_timeout: null,
      auto_resolve_timeout: null,
      alert_grouping: 'time',
      alert_grouping_timeout: 10,
      alert_grouping_parameters: { type: 'time', config: { timeout: 10 } },
    });

    const override = await h.owner.call('POST', `/schedules/${schedule.body.schedule.id}/overrides`, {
      override: {
        start: '2026-11-27T00:00:00Z',
        end: '2026-11-27T02:00:00Z',
        user: { id: h.owner.id, type: 'user_reference' },
      },
    });
    expect(override.status).toBe(201);
    expect(override.body.override).toMatchObject({ user: { id: h.owner.id } });

    // DELETE with a JSON content type and no body, as go-pagerduty sends it.
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/services/${service.body.service.id}`,
      headers: {
        authorization: `Token token=${h.owner.token}`,
        'content-type': 'application/json',
        accept: 'application/vnd.pagerduty+json;version=2',
      },
    });
    expect(del.statusCode).toBe(204);
  });
});

// go-pagerduty and the other official clients as issue 12 found them failing.
describe('go-pagerduty request shapes', () => {
  let h: CatalogHarness;
  let serviceId: string;
  beforeAll(async () => {
    h = await catalogHarness();
    const policy = await h.owner.call('POST', '/escalation_policies', {
      escalation_policy: {
        name: 'gopd policy',
        escalation_rules: [{ escalation_delay_in_minutes: 10, targets: [{ id: h.owner.id, type: 'user_reference' }] }],
      },
    });
    const service = await h.owner.call('POST', '/services', {
      service: { name: 'gopd service', escalation_policy: { id: policy.body.escalation_policy.id } },
    });
    serviceId = service.body.service.id;
  });
  afterAll(() => h.close());

  describe('without From, the token’s own user acts', () => {
    it('creates a user and a maintenance window with no From header', async () => {
      const user = await h.owner.call('POST', '/users', {
        user: { type: 'user', name: 'No From', email: 'nofrom@example.com' },
      });
      expect(user.status).toBe(201);
      const window = await h.owner.call('POST', '/maintenance_windows', {
        maintenance_window: {
          start_time: '2026-11-26T13:00:00Z',
          end_time: '2026-11-26T15:00:00Z',
          services: [{ id: serviceId, type: 'service_reference' }],
        },
      });
      expect(window.status).toBe(201);
      expect(window.body.maintenance_window.created_by).toMatchObject({ id: h.owner.id });
    });

    it('never lends the role of the user a From names', async () => {
      const manager = await h.userWithToken('user');
      const asOwner = await manager.call(
        'POST',
        '/users',
        { user: { name: 'Borrowed', email: 'borrowed@example.com' } },
        { from: 'owner@example.com' },
      );
      expect([asOwner.status, asOwner.body.error.code]).toEqual([403, 2010]);
      const alone = await manager.call('POST', '/users', { user: { name: 'Alone', email: 'alone@example.com' } });
      expect([alone.status, alone.body.error.code]).toEqual([403, 2010]);
    });
  });

  describe('partial updates with an id-less reference leave it unchanged', () => {
    it('accepts escalation_policy {"teams": null} on PUT /services/{id}, as UpdateService sends it', async () => {
      const before = (await h.owner.call('GET', `/services/${serviceId}`)).body.service;
      const res = await h.owner.call('PUT', `/services/${serviceId}`, {
        service: { id: serviceId, description: 'changed alone', escalation_policy: { teams: null } },
      });
      expect(res.status).toBe(200);
      expect(res.body.service).toMatchObject({
        description: 'changed alone',
        escalation_policy: { id: before.escalation_policy.id },
      });
    });

    it('does the same for a team parent and an integration vendor', async () => {
      const team = (await h.owner.call('POST', '/teams', { team: { name: 'gopd team' } })).body.team;
      const renamed = await h.owner.call('PUT', `/teams/${team.id}`, { team: { name: 'gopd team 2', parent: {} } });
      expect([renamed.status, renamed.body.team.name]).toEqual([200, 'gopd team 2']);
      const integration = (
        await h.owner.call('POST', `/services/${serviceId}/integrations`, {
          integration: { type: 'events_api_v2_inbound_integration', name: 'api' },
        })
      ).body.integration;
      const put = await h.owner.call('PUT', `/services/${serviceId}/integrations/${integration.id}`, {
        integration: { name: 'api 2', vendor: { type: 'vendor_reference' } },
      });
      expect([put.status, put.body.integration.name]).toEqual([200, 'api 2']);
    });

    it('still refuses an id-less reference on create', async () => {
      const res = await h.owner.call('POST', '/services', { service: { name: 'no policy', escalation_policy: {} } });
      expect(res.status).toBe(400);
    });
  });

  describe('bare bodies, without their wrapper', () => {
    it('creates and renames a team from {"name": …}, as CreateTeam and UpdateTeam send it', async () => {
      const created = await h.owner.call('POST', '/teams', { name: 'bare team', description: 'no wrapper' });
      expect(created.status).toBe(201);
      expect(created.body.team).toMatchObject({ name: 'bare team', description: 'no wrapper' });
      const renamed = await h.owner.call('PUT', `/teams/${created.body.team.id}`, { name: 'bare team 2' });
      expect([renamed.status, renamed.body.team.name]).toEqual([200, 'bare team 2']);
    });

    it('updates an integration from {"id", "type", "name"}, as UpdateIntegration sends it', async () => {
      const integration = (
        await h.owner.call('POST', `/services/${serviceId}/integrations`, {
          integration: { type: 'events_api_v2_inbound_integration', name: 'bare' },
        })
      ).body.integration;
      const res = await h.owner.call('PUT', `/services/${serviceId}/integrations/${integration.id}`, {
        id: integration.id,
        type: 'events_api_v2_inbound_integration',
        name: 'bare renamed',
      });
      expect([res.status, res.body.integration.name]).toEqual([200, 'bare renamed']);
    });

    it('updates a maintenance window bare, as UpdateMaintenanceWindow sends it', async () => {
      const window = (
        await h.owner.call('POST', '/maintenance_windows', {
          maintenance_window: {
            start_time: '2026-11-27T13:00:00Z',
            end_time: '2026-11-27T15:00:00Z',
            services: [{ id: serviceId, type: 'service_reference' }],
          },
        })
      ).body.maintenance_window;
      const res = await h.owner.call('PUT', `/maintenance_windows/${window.id}`, {
        id: window.id,
        type: 'maintenance_window',
        description: 'bare update',
      });
      expect([res.status, res.body.maintenance_window.description]).toEqual([200, 'bare update']);
    });

    it('still refuses an empty body and checks a bare body like a wrapped one', async () => {
      expect((await h.owner.call('POST', '/teams', {})).status).toBe(400);
      expect((await h.owner.call('POST', '/teams', { description: 'no name' })).status).toBe(400);
    });
  });
});

// pdpyras and the `pagerduty` package follow `self` and refuse links outside their base URL.
describe('links without KLAXON_PUBLIC_URL follow the request', () => {
  let h: CatalogHarness;
  let policyId: string;
  beforeAll(async () => {
    h = await catalogHarness({ KLAXON_PUBLIC_URL: '', KLAXON_TRUSTED_PROXIES: '127.0.0.1, ::1' });
    policyId = (
      await h.owner.call('POST', '/escalation_policies', {
        escalation_policy: {
          name: 'links policy',
          escalation_rules: [
            { escalation_delay_in_minutes: 10, targets: [{ id: h.owner.id, type: 'user_reference' }] },
          ],
        },
      })
    ).body.escalation_policy.id;
  });
  afterAll(() => h.close());

  const get = (headers: Record<string, string>, remoteAddress = '127.0.0.1') =>
    h.app.inject({
      method: 'GET',
      url: `/escalation_policies/${policyId}`,
      remoteAddress,
      headers: {
        authorization: `Token token=${h.owner.token}`,
        accept: 'application/vnd.pagerduty+json;version=2',
        ...headers,
      },
    });

  it('uses the Host the client called, nested references included', async () => {
    const policy = (await get({ host: 'klaxon.internal:9443' })).json().escalation_policy;
    expect(policy.self).toBe(`http://klaxon.internal:9443/escalation_policies/${policyId}`);
    expect(policy.html_url).toBe(`http://klaxon.internal:9443/escalation_policies/${policyId}`);
    expect(policy.escalation_rules[0].targets[0].self).toBe(`http://klaxon.internal:9443/users/${h.owner.id}`);
  });

  it('believes X-Forwarded-Proto and -Host from a trusted proxy', async () => {
    const policy = (
      await get({ host: 'backend:8080', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'pd.example.org' })
    ).json().escalation_policy;
    expect(policy.self).toBe(`https://pd.example.org/escalation_policies/${policyId}`);
  });

  it('ignores X-Forwarded-* from a client that is not a trusted proxy', async () => {
    const policy = (
      await get(
        { host: 'klaxon.internal:8080', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' },
        '127.0.0.2',
      )
    ).json().escalation_policy;
    expect(policy.self).toBe(`http://klaxon.internal:8080/escalation_policies/${policyId}`);
  });

  it('ignores a malformed Host and keeps the default base', async () => {
    const policy = (await get({ host: 'bad host/"' })).json().escalation_policy;
    expect(policy.self).toBe(`http://localhost:8080/escalation_policies/${policyId}`);
  });
});
