import { waitFor } from '@klaxon/testing';
import { type CatalogHarness, catalogHarness } from './harness';

// A new install driven only by HTTP with the bootstrap token, as an operator's script or the
// Terraform provider would: user, team, schedule, policy, service with an Events v2 integration,
// maintenance window; then the integration's key is regenerated and it moves to another service.
describe('a whole setup through HTTP', () => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await catalogHarness();
  });
  afterAll(() => h.close());

  it('builds the catalog and publishes what ingest routes by', async () => {
    const api = h.owner.call;
    const from = { from: 'owner@example.com' };
    const expectStatus = async (status: number, res: Promise<{ status: number; body: { error?: unknown } }>) => {
      const answer = await res;
      expect({ status: answer.status, error: answer.body?.error }).toEqual({ status, error: undefined });
      return answer.body as Record<string, { id: string } & Record<string, unknown>>;
    };

    const { user } = await expectStatus(
      201,
      api(
        'POST',
        '/users',
        {
          user: {
            type: 'user',
            name: 'Lin',
            email: 'lin@example.com',
            role: 'limited_user',
            time_zone: 'Asia/Shanghai',
          },
        },
        from,
      ),
    );
    const { contact_method } = await expectStatus(
      201,
      api('POST', `/users/${user?.id}/contact_methods`, {
        contact_method: { type: 'email_contact_method', label: 'Work', address: 'lin@example.com' },
      }),
    );
    await expectStatus(
      201,
      api('POST', `/users/${user?.id}/notification_rules`, {
        notification_rule: {
          type: 'assignment_notification_rule',
          start_delay_in_minutes: 0,
          urgency: 'high',
          contact_method: { id: contact_method?.id, type: 'email_contact_method_reference' },
        },
      }),
    );
    const { team } = await expectStatus(201, api('POST', '/teams', { team: { type: 'team', name: 'Checkout' } }));
    await expectStatus(204, api('PUT', `/teams/${team?.id}/users/${user?.id}`, { role: 'manager' }));
    const { schedule } = await expectStatus(
      201,
      api('POST', '/schedules', {
        schedule: {
          type: 'schedule',
          name: 'Checkout primary',
          time_zone: 'Asia/Shanghai',
          schedule_layers: [
            {
              start: '2026-11-26T00:00:00Z',
              rotation_virtual_start: '2026-11-26T00:00:00Z',
              rotation_turn_length_seconds: 86400,
              users: [{ user: { id: user?.id, type: 'user_reference' } }],
            },
          ],
        },
      }),
    );
    const { escalation_policy } = await expectStatus(
      201,
      api('POST', '/escalation_policies', {
        escalation_policy: {
          type: 'escalation_policy',
          name: 'Checkout EP',
          teams: [{ id: team?.id, type: 'team_reference' }],
          escalation_rules: [
            { escalation_delay_in_minutes: 15, targets: [{ id: schedule?.id, type: 'schedule_reference' }] },
            { escalation_delay_in_minutes: 30, targets: [{ id: h.owner.id, type: 'user_reference' }] },
          ],
        },
      }),
    );
    const { service } = await expectStatus(
      201,
      api('POST', '/services', {
        service: {
          type: 'service',
          name: 'Checkout',
          escalation_policy: { id: escalation_policy?.id, type: 'escalation_policy_reference' },
        },
      }),
    );
    const { integration } = await expectStatus(
      201,
      api('POST', `/services/${service?.id}/integrations`, {
        integration: { type: 'events_api_v2_inbound_integration', name: 'Prometheus' },
      }),
    );
    const { maintenance_window } = await expectStatus(
      201,
      api(
        'POST',
        '/maintenance_windows',
        {
          maintenance_window: {
            type: 'maintenance_window',
            start_time: '2026-11-27T00:00:00Z',
            end_time: '2026-11-27T01:00:00Z',
            services: [{ id: service?.id, type: 'service_reference' }],
          },
        },
        from,
      ),
    );

    // The team's manager (a responder account-wide) now runs their own service by API.
    const lin = h.as(await h.tokenFor(user?.id ?? '', 'full_access'));
    const { integration: regenerated } = await expectStatus(
      200,
      lin('POST', `/services/${service?.id}/integrations/${integration?.id}/regenerate_key`),
    );
    expect(regenerated?.integration_key).not.toBe(integration?.integration_key);
    const { service: second } = await expectStatus(
      201,
      lin('POST', '/services', {
        service: {
          type: 'service',
          name: 'Checkout batch',
          escalation_policy: { id: escalation_policy?.id, type: 'escalation_policy_reference' },
        },
      }),
    );
    const moved = await expectStatus(
      200,
      lin('POST', `/services/${service?.id}/integrations/${integration?.id}/move`, {
        service: { id: second?.id, type: 'service_reference' },
      }),
    );
    expect(moved.warnings).toEqual([]);
    expect(moved.integration).toMatchObject({
      service: { id: second?.id },
      integration_key: regenerated?.integration_key,
    });

    const shown = await api('GET', `/services/${second?.id}?include[]=integrations&include[]=teams`);
    expect(shown.body.service).toMatchObject({
      teams: [{ type: 'team', id: team?.id }],
      integrations: [{ id: integration?.id, integration_key: regenerated?.integration_key }],
    });

    // catalog.changes carries exactly what ingest's routing table reads.
    await waitFor(() => h.changes().some((c) => c.entityId === integration?.id && c.version === 3n), {
      what: 'moved integration published',
    });
    const latest = (id: string | undefined) =>
      h
        .changes()
        .filter((c) => c.entityId === id)
        .at(-1)?.snapshot;
    expect(latest(integration?.id)).toMatchObject({
      integration_key: regenerated?.integration_key,
      type: 'events_api_v2_inbound_integration',
      service: { id: second?.id },
    });
    expect(latest(maintenance_window?.id)).toMatchObject({
      start_time: '2026-11-27T00:00:00.000Z',
      end_time: '2026-11-27T01:00:00.000Z',
      services: [{ id: service?.id }],
    });
    expect(latest(second?.id)).toMatchObject({
      status: 'active',
      escalation_policy: { id: escalation_policy?.id },
      acknowledgement_timeout: 1800,
      auto_resolve_timeout: 14400,
    });
    const types = new Set(h.changes().map((c) => c.entityType));
    expect([...types].sort()).toEqual([
      'api_token',
      'contact_method',
      'escalation_policy',
      'integration',
      'maintenance_window',
      'notification_rule',
      'schedule',
      'service',
      'team',
      'user',
    ]);
    // Versions of one entity only grow.
    for (const id of new Set(h.changes().map((c) => c.entityId))) {
      const versions = h
        .changes()
        .filter((c) => c.entityId === id)
        .map((c) => Number(c.version));
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    }
  });
});
