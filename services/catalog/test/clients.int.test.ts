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
