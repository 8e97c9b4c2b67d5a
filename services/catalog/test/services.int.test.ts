import { waitFor } from '@klaxon/testing';
import { integrations } from '../src/db';
import { type CatalogHarness, catalogHarness, policyBody, serviceBody } from './harness';

describe('services, integrations and vendors', () => {
  let h: CatalogHarness;
  let policyId: string;
  beforeAll(async () => {
    h = await catalogHarness();
    policyId = (await h.owner.call('POST', '/escalation_policies', policyBody(h.owner.id))).body.escalation_policy.id;
  });
  afterAll(() => h.close());

  describe('works', () => {
    it('creates a service with PagerDuty defaults, reads, lists and filters it', async () => {
      const created = await h.owner.call('POST', '/services', serviceBody(policyId, { name: 'Checkout API' }));
      expect(created.status).toBe(201);
      const service = created.body.service;
      expect(service).toMatchObject({
        type: 'service',
        name: 'Checkout API',
        summary: 'Checkout API',
        self: `https://klaxon.test/services/${service.id}`,
        html_url: `https://klaxon.test/service-directory/${service.id}`,
        status: 'active',
        acknowledgement_timeout: 1800,
        auto_resolve_timeout: 14400,
        alert_creation: 'create_alerts_and_incidents',
        alert_grouping_parameters: { type: null },
        incident_urgency_rule: { type: 'constant', urgency: 'high' },
        escalation_policy: { id: policyId, type: 'escalation_policy_reference' },
        integrations: [],
        teams: [],
      });
      expect((await h.owner.call('GET', `/services/${service.id}`)).body.service).toEqual(service);
      const list = await h.owner.call('GET', '/services?query=checkout&total=true');
      expect(list.body).toMatchObject({ total: 1, more: false, services: [{ id: service.id }] });
      const withPolicy = await h.owner.call('GET', `/services/${service.id}?include[]=escalation_policies`);
      expect(withPolicy.body.service.escalation_policy).toMatchObject({
        type: 'escalation_policy',
        escalation_rules: [expect.anything()],
      });
    });

    it('stores grouping, urgency rules, support hours and scheduled actions, and disables and re-enables', async () => {
      const created = await h.owner.call(
        'POST',
        '/services',
        serviceBody(policyId, {
          acknowledgement_timeout: null,
          auto_resolve_timeout: 0,
          alert_grouping_parameters: {
            type: 'content_based',
            config: { aggregate: 'all', fields: ['source'], time_window: 300 },
          },
          incident_urgency_rule: {
            type: 'use_support_hours',
            during_support_hours: { type: 'constant', urgency: 'high' },
            outside_support_hours: { type: 'constant', urgency: 'low' },
          },
          support_hours: {
            type: 'fixed_time_per_day',
            time_zone: 'America/Lima',
            days_of_week: [1, 2, 3, 4, 5],
            start_time: '09:00:00',
            end_time: '17:00:00',
          },
          scheduled_actions: [
            { type: 'urgency_change', at: { type: 'named_time', name: 'support_hours_start' }, to_urgency: 'high' },
          ],
          auto_pause_notifications_parameters: { enabled: true, timeout: 300 },
        }),
      );
      expect(created.status).toBe(201);
      const id = created.body.service.id;
      expect(created.body.service).toMatchObject({
        acknowledgement_timeout: null,
        auto_resolve_timeout: null,
        alert_grouping_parameters: {
          type: 'content_based',
          config: { aggregate: 'all', fields: ['source'], time_window: 300 },
        },
        support_hours: { time_zone: 'America/Lima', start_time: '09:00:00' },
        auto_pause_notifications_parameters: { enabled: true, timeout: 300 },
      });
      const disabled = await h.owner.call('PUT', `/services/${id}`, {
        service: { status: 'disabled', alert_grouping_parameters: { type: 'time', config: { timeout: 2 } } },
      });
      expect(disabled.body.service).toMatchObject({
        status: 'disabled',
        alert_grouping_parameters: { type: 'time', config: { timeout: 2 } },
        support_hours: { time_zone: 'America/Lima' },
      });
      const enabled = await h.owner.call('PUT', `/services/${id}`, {
        service: { status: 'active', alert_grouping_parameters: { type: 'intelligent', config: { time_window: 0 } } },
      });
      expect(enabled.body.service).toMatchObject({
        status: 'active',
        alert_grouping_parameters: { type: 'intelligent' },
      });
      await waitForChange(h, (c) => c.entityId === id && c.version === 3n);
      const last = h.changes().find((c) => c.entityId === id && c.version === 3n);
      expect(last?.snapshot).toMatchObject({
        status: 'active',
        alert_grouping_parameters: { type: 'intelligent' },
        incident_urgency_rule: { type: 'use_support_hours' },
        acknowledgement_timeout: null,
        auto_resolve_timeout: null,
        escalation_policy: { id: policyId },
      });
    });

    it('gives concurrent changes of one service distinct, growing versions', async () => {
      const service = (await h.owner.call('POST', '/services', serviceBody(policyId))).body.service;
      const updates = await Promise.all(
        [1, 2, 3, 4].map((n) =>
          h.owner.call('PUT', `/services/${service.id}`, { service: { description: `edit ${n}` } }),
        ),
      );
      expect(updates.every((r) => r.status === 200)).toBe(true);
      await waitForChange(h, (c) => c.entityId === service.id && c.version === 5n);
      const versions = h
        .changes()
        .filter((c) => c.entityId === service.id)
        .map((c) => c.version);
      expect(versions).toEqual([1n, 2n, 3n, 4n, 5n]);
    });

    it('generates an escalation policy with the requester as first level when none is given', async () => {
      const created = await h.owner.call('POST', '/services', { service: { type: 'service', name: 'Solo service' } });
      expect(created.status).toBe(201);
      const ep = await h.owner.call('GET', `/escalation_policies/${created.body.service.escalation_policy.id}`);
      expect(ep.body.escalation_policy).toMatchObject({
        name: 'Solo service (EP)',
        escalation_rules: [{ targets: [{ id: h.owner.id, type: 'user_reference' }] }],
        services: [{ id: created.body.service.id }],
      });
    });

    it('creates Events v2, v1, email and vendor integrations, each with its own 32-character key', async () => {
      const service = (await h.owner.call('POST', '/services', serviceBody(policyId))).body.service;
      const v2 = await h.owner.call('POST', `/services/${service.id}/integrations`, {
        integration: { type: 'events_api_v2_inbound_integration', name: 'Alertmanager' },
      });
      expect(v2.status).toBe(201);
      expect(v2.body.integration).toMatchObject({
        type: 'events_api_v2_inbound_integration',
        name: 'Alertmanager',
        service: { id: service.id, type: 'service_reference' },
        self: `https://klaxon.test/services/${service.id}/integrations/${v2.body.integration.id}`,
      });
      expect(v2.body.integration.integration_key).toMatch(/^[0-9a-f]{32}$/);
      const v1 = await h.owner.call('POST', `/services/${service.id}/integrations`, {
        integration: { type: 'generic_events_api_inbound_integration' },
      });
      expect(v1.body.integration.name).toBe('Events API V1');
      const email = await h.owner.call('POST', `/services/${service.id}/integrations`, {
        integration: {
          type: 'generic_email_inbound_integration',
          name: 'Mail',
          integration_email: 'ops@klaxon.test',
          email_incident_creation: 'on_new_email',
        },
      });
      expect(email.body.integration).toMatchObject({
        integration_email: 'ops@klaxon.test',
        email_incident_creation: 'on_new_email',
      });
      const vendors = await h.owner.call('GET', '/vendors?query=prometheus');
      const prometheus = vendors.body.vendors[0];
      expect(prometheus).toMatchObject({ type: 'vendor', name: 'Prometheus' });
      expect((await h.owner.call('GET', `/vendors/${prometheus.id}`)).body.vendor.id).toBe(prometheus.id);
      const vendored = await h.owner.call('POST', `/services/${service.id}/integrations`, {
        integration: { vendor: { id: prometheus.id, type: 'vendor_reference' } },
      });
      expect(vendored.body.integration).toMatchObject({
        type: 'events_api_v2_inbound_integration',
        name: 'Prometheus',
        vendor: { id: prometheus.id },
      });
      const keys = new Set([v2, v1, email, vendored].map((r) => r.body.integration.integration_key));
      expect(keys.size).toBe(4);
      const withIntegrations = await h.owner.call('GET', `/services/${service.id}?include[]=integrations`);
      expect(withIntegrations.body.service.integrations).toHaveLength(4);
      expect(withIntegrations.body.service.integrations[0].integration_key).toMatch(/^[0-9a-f]{32}$/);

      const renamed = await h.owner.call('PUT', `/services/${service.id}/integrations/${v2.body.integration.id}`, {
        integration: { name: 'AM' },
      });
      expect(renamed.body.integration).toMatchObject({
        name: 'AM',
        integration_key: v2.body.integration.integration_key,
      });
      const shown = await h.owner.call(
        'GET',
        `/services/${service.id}/integrations/${v2.body.integration.id}?include[]=services`,
      );
      expect(shown.body.integration.service).toMatchObject({ type: 'service', id: service.id });
      expect(
        (await h.owner.call('DELETE', `/services/${service.id}/integrations/${v1.body.integration.id}`)).status,
      ).toBe(204);
      expect((await h.owner.call('GET', `/services/${service.id}/integrations/${v1.body.integration.id}`)).status).toBe(
        404,
      );
    });

    it('regenerates a key and moves an integration, publishing each change with the routing fields', async () => {
      const from = (await h.owner.call('POST', '/services', serviceBody(policyId))).body.service;
      const to = (
        await h.owner.call(
          'POST',
          '/services',
          serviceBody(policyId, { alert_grouping_parameters: { type: 'time', config: { timeout: 5 } } }),
        )
      ).body.service;
      const integration = (
        await h.owner.call('POST', `/services/${from.id}/integrations`, {
          integration: { type: 'events_api_v2_inbound_integration' },
        })
      ).body.integration;
      const regenerated = await h.owner.call(
        'POST',
        `/services/${from.id}/integrations/${integration.id}/regenerate_key`,
      );
      expect(regenerated.status).toBe(200);
      expect(regenerated.body.integration.integration_key).not.toBe(integration.integration_key);
      const moved = await h.owner.call('POST', `/services/${from.id}/integrations/${integration.id}/move`, {
        service: { id: to.id, type: 'service_reference' },
      });
      expect(moved.status).toBe(200);
      expect(moved.body.integration).toMatchObject({
        service: { id: to.id },
        integration_key: regenerated.body.integration.integration_key,
      });
      expect(moved.body.warnings).toEqual([expect.stringContaining('alert_grouping_parameters')]);
      expect((await h.owner.call('GET', `/services/${to.id}/integrations/${integration.id}`)).status).toBe(200);
      expect((await h.owner.call('GET', `/services/${from.id}/integrations/${integration.id}`)).status).toBe(404);

      await waitForChange(h, (c) => c.entityId === integration.id && c.version === 3n);
      const versions = h.changes().filter((c) => c.entityId === integration.id);
      expect(versions.map((c) => c.version)).toEqual([1n, 2n, 3n]);
      expect(versions[2]?.snapshot).toMatchObject({
        type: 'events_api_v2_inbound_integration',
        integration_key: regenerated.body.integration.integration_key,
        service: { id: to.id },
      });
    });

    it('deletes a service and its integrations, publishing tombstones and its windows again', async () => {
      const service = (await h.owner.call('POST', '/services', serviceBody(policyId))).body.service;
      const other = (await h.owner.call('POST', '/services', serviceBody(policyId))).body.service;
      const integration = (
        await h.owner.call('POST', `/services/${service.id}/integrations`, {
          integration: { type: 'events_api_v2_inbound_integration' },
        })
      ).body.integration;
      const window = (
        await h.owner.call(
          'POST',
          '/maintenance_windows',
          {
            maintenance_window: {
              start_time: '2026-12-01T00:00:00Z',
              end_time: '2026-12-01T01:00:00Z',
              services: [{ id: service.id }, { id: other.id }],
            },
          },
          { from: 'owner@example.com' },
        )
      ).body.maintenance_window;
      expect((await h.owner.call('DELETE', `/services/${service.id}`)).status).toBe(204);
      expect((await h.owner.call('GET', `/maintenance_windows/${window.id}`)).body.maintenance_window.services).toEqual(
        [expect.objectContaining({ id: other.id })],
      );
      await waitForChange(h, (c) => c.entityId === window.id && c.version === 2n);
      expect((await h.owner.call('GET', `/services/${service.id}`)).status).toBe(404);
      await waitForChange(h, (c) => c.entityId === service.id && c.deleted);
      expect(h.changes().some((c) => c.entityId === integration.id && c.deleted)).toBe(true);
    });
    it('takes content_based_intelligent grouping and custom_details fields', async () => {
      const created = await h.owner.call(
        'POST',
        '/services',
        serviceBody(policyId, {
          alert_grouping_parameters: {
            type: 'content_based_intelligent',
            config: { aggregate: 'any', fields: ['source', 'custom_details.host'], time_window: 0 },
          },
        }),
      );
      expect(created.status).toBe(201);
      expect(created.body.service.alert_grouping_parameters).toEqual({
        type: 'content_based_intelligent',
        config: { aggregate: 'any', fields: ['source', 'custom_details.host'], time_window: 0 },
      });
      const updated = await h.owner.call('PUT', `/services/${created.body.service.id}`, {
        service: {
          alert_grouping_parameters: {
            type: 'content_based_intelligent',
            config: { aggregate: 'all', fields: ['component', 'group', 'class'], time_window: 600 },
          },
        },
      });
      expect(updated.status).toBe(200);
      expect(updated.body.service.alert_grouping_parameters.config).toEqual({
        aggregate: 'all',
        fields: ['component', 'group', 'class'],
        time_window: 600,
      });
    });
  });

  describe('refused', () => {
    it('refuses grouping settings PagerDuty refuses, naming the problem and what is allowed', async () => {
      const allowed = 'summary, source, severity, component, group, class, custom_details.<name>';
      const cases: [object, string[]][] = [
        [
          { type: 'content_based', config: { aggregate: 'all', fields: ['hostname'] } },
          [`alert_grouping_parameters.config.fields: hostname is not a field grouping can match; use ${allowed}`],
        ],
        [
          { type: 'content_based_intelligent', config: { aggregate: 'any', fields: ['source', 'custom_details.'] } },
          [
            `alert_grouping_parameters.config.fields: custom_details. is not a field grouping can match; use ${allowed}`,
          ],
        ],
        [
          { type: 'content_based_intelligent', config: { aggregate: 'any', fields: ['source'], time_window: 86400 } },
          ['alert_grouping_parameters.config.time_window must be 0 (recommended) or 300-3600 seconds'],
        ],
        [
          { type: 'content_based_intelligent', config: { aggregate: 'some', fields: ['source'] } },
          ['alert_grouping_parameters.config.aggregate must be one of: all, any'],
        ],
        [
          { type: 'time', config: { timeout: '5' } },
          ['alert_grouping_parameters.config.timeout must be 0 (until resolved) or 1-1440 minutes'],
        ],
        [
          { type: 'bogus' },
          [
            'body.service.alert_grouping_parameters.type must be one of: time, intelligent, content_based, content_based_intelligent, null',
          ],
        ],
      ];
      for (const [grouping, errors] of cases) {
        const res = await h.owner.call(
          'POST',
          '/services',
          serviceBody(policyId, { alert_grouping_parameters: grouping }),
        );
        expect({ grouping, status: res.status, body: res.body }).toEqual({
          grouping,
          status: 400,
          body: { error: { code: 2001, message: 'Invalid Input Provided', errors } },
        });
      }
    });

    it('refuses invalid fields with 400 / 2001 naming them', async () => {
      const cases: [object, string][] = [
        [{ alert_grouping_parameters: { type: 'time', config: { timeout: 5000 } } }, 'timeout'],
        [{ alert_grouping_parameters: { type: 'content_based', config: { aggregate: 'all', fields: [] } } }, 'fields'],
        [
          { alert_grouping_parameters: { type: 'content_based', config: { aggregate: 'all, any', fields: ['a'] } } },
          'aggregate',
        ],
        [{ alert_grouping_parameters: { type: 'intelligent', config: { time_window: 100 } } }, 'time_window'],
        [{ alert_grouping_parameters: { type: 'bogus' } }, 'type'],
        [
          { alert_creation: 'create_incidents', alert_grouping_parameters: { type: 'time', config: { timeout: 1 } } },
          'alert_creation',
        ],
        [
          {
            incident_urgency_rule: {
              type: 'use_support_hours',
              during_support_hours: { type: 'constant', urgency: 'high' },
            },
          },
          'support_hours',
        ],
        [{ support_hours: { time_zone: 'Mars/Olympus', start_time: '09:00:00', end_time: '17:00:00' } }, 'time_zone'],
        [{ support_hours: { time_zone: 'Etc/UTC', start_time: '18:00:00', end_time: '17:00:00' } }, 'start_time'],
        [
          {
            scheduled_actions: [
              { type: 'urgency_change', at: { type: 'named_time', name: 'support_hours_start' }, to_urgency: 'high' },
            ],
          },
          'scheduled_actions',
        ],
        [{ status: 'disabled' }, 'active'],
        [{ acknowledgement_timeout: -1 }, 'acknowledgement_timeout'],
        [{ auto_pause_notifications_parameters: { enabled: true, timeout: 7 } }, 'timeout'],
        [{ escalation_policy: { id: 'PNOSUCH', type: 'escalation_policy_reference' } }, 'PNOSUCH'],
      ];
      for (const [extra, word] of cases) {
        const res = await h.owner.call('POST', '/services', serviceBody(policyId, extra));
        expect({ extra, status: res.status, code: res.body.error?.code }).toEqual({ extra, status: 400, code: 2001 });
        expect(res.body.error.errors.join(' ')).toContain(word);
      }
      const missingName = await h.owner.call('POST', '/services', { service: { type: 'service' } });
      expect(missingName.body.error.errors).toEqual(['body.service.name is required']);
      const taken = await h.owner.call('POST', '/services', serviceBody(policyId, { name: 'Unique name' }));
      expect(taken.status).toBe(201);
      expect((await h.owner.call('POST', '/services', serviceBody(policyId, { name: 'Unique name' }))).status).toBe(
        400,
      );
    });

    it('refuses bad integrations, the 251st integration and moving more than 8,000 open incidents', async () => {
      const service = (await h.owner.call('POST', '/services', serviceBody(policyId))).body.service;
      expect(
        (await h.owner.call('POST', `/services/${service.id}/integrations`, { integration: { type: 'nope' } })).status,
      ).toBe(400);
      expect(
        (
          await h.owner.call('POST', `/services/${service.id}/integrations`, {
            integration: { vendor: { id: 'PNOVEND' } },
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await h.owner.call('POST', '/services/PNOPE00/integrations', {
            integration: { type: 'events_api_v2_inbound_integration' },
          })
        ).status,
      ).toBe(404);
      // 250 integrations straight into the table (fast); the 251st goes through the API.
      await h.database.db.insert(integrations).values(
        Array.from({ length: 250 }, (_, i) => ({
          id: `PI${String(i).padStart(5, '0')}`,
          serviceId: service.id,
          type: 'events_api_v2_inbound_integration',
          name: `n${i}`,
          integrationKey: `${service.id}${i}`.padEnd(32, 'x'),
        })),
      );
      const over = await h.owner.call('POST', `/services/${service.id}/integrations`, {
        integration: { type: 'events_api_v2_inbound_integration' },
      });
      expect(over.status).toBe(400);
      expect(over.body.error).toMatchObject({ code: 2019, message: 'Product Limit Reached' });

      const other = (await h.owner.call('POST', '/services', serviceBody(policyId))).body.service;
      const busy = (
        await h.owner.call('POST', `/services/${other.id}/integrations`, {
          integration: { type: 'events_api_v2_inbound_integration' },
        })
      ).body.integration;
      const third = (await h.owner.call('POST', '/services', serviceBody(policyId))).body.service;
      await h.setOpenIncidents(busy.id, 8001);
      const refused = await h.owner.call('POST', `/services/${other.id}/integrations/${busy.id}/move`, {
        service: { id: third.id },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe(2019);
      expect(refused.body.error.errors[0]).toContain('8001');
      // Into a full service is refused too.
      await h.setOpenIncidents(busy.id, 8000);
      expect(
        (
          await h.owner.call('POST', `/services/${other.id}/integrations/${busy.id}/move`, {
            service: { id: service.id },
          })
        ).body.error.code,
      ).toBe(2019);
      expect(
        (
          await h.owner.call('POST', `/services/${other.id}/integrations/${busy.id}/move`, {
            service: { id: third.id },
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await h.owner.call('POST', `/services/${third.id}/integrations/${busy.id}/move`, {
            service: { id: 'PNOPE00' },
          })
        ).status,
      ).toBe(400);
    });
  });

  describe('who is refused', () => {
    it('refuses a responder changing a service and a team manager outside their team', async () => {
      const team = (await h.owner.call('POST', '/teams', { team: { type: 'team', name: `Payments ${Date.now()}` } }))
        .body.team;
      const otherTeam = (await h.owner.call('POST', '/teams', { team: { type: 'team', name: `Search ${Date.now()}` } }))
        .body.team;
      const teamPolicy = (
        await h.owner.call('POST', '/escalation_policies', policyBody(h.owner.id, undefined, team.id))
      ).body.escalation_policy;
      const otherPolicy = (
        await h.owner.call('POST', '/escalation_policies', policyBody(h.owner.id, undefined, otherTeam.id))
      ).body.escalation_policy;
      const ours = (await h.owner.call('POST', '/services', serviceBody(teamPolicy.id))).body.service;
      const theirs = (await h.owner.call('POST', '/services', serviceBody(otherPolicy.id))).body.service;
      expect(ours.teams).toEqual([expect.objectContaining({ id: team.id, type: 'team_reference' })]);

      const manager = await h.userWithToken('limited_user');
      expect((await h.owner.call('PUT', `/teams/${team.id}/users/${manager.id}`, { role: 'manager' })).status).toBe(
        204,
      );
      const responder = await h.userWithToken('limited_user');
      await h.owner.call('PUT', `/teams/${team.id}/users/${responder.id}`, { role: 'responder' });

      expect((await manager.call('PUT', `/services/${ours.id}`, { service: { description: 'ours' } })).status).toBe(
        200,
      );
      expect((await manager.call('POST', '/services', serviceBody(teamPolicy.id))).status).toBe(201);
      // Without a policy, a team manager's service gets a generated policy on their team.
      const generated = await manager.call('POST', '/services', {
        service: { type: 'service', name: `Gen ${Date.now()}` },
      });
      expect(generated.status).toBe(201);
      expect(generated.body.service.teams).toEqual([expect.objectContaining({ id: team.id, type: 'team_reference' })]);
      const generatedPolicy = (
        await h.owner.call('GET', `/escalation_policies/${generated.body.service.escalation_policy.id}`)
      ).body.escalation_policy;
      expect(generatedPolicy.teams).toEqual([expect.objectContaining({ id: team.id })]);
      expect(generatedPolicy.escalation_rules[0].targets).toEqual([expect.objectContaining({ id: manager.id })]);
      expect(
        (await manager.call('PUT', `/services/${generated.body.service.id}`, { service: { description: 'mine' } }))
          .status,
      ).toBe(200);
      expect(
        (
          await manager.call('POST', `/services/${ours.id}/integrations`, {
            integration: { type: 'events_api_v2_inbound_integration' },
          })
        ).status,
      ).toBe(201);
      const outside = await manager.call('PUT', `/services/${theirs.id}`, { service: { description: 'theirs' } });
      expect(outside.status).toBe(403);
      expect(outside.body.error.code).toBe(2010);
      expect((await manager.call('POST', '/services', serviceBody(otherPolicy.id))).status).toBe(403);
      expect((await manager.call('DELETE', `/services/${theirs.id}`)).status).toBe(403);

      expect((await responder.call('GET', `/services/${ours.id}`)).status).toBe(200);
      const notManager = await responder.call('POST', '/services', { service: { type: 'service', name: 'Nope' } });
      expect(notManager.status).toBe(403);
      expect(notManager.body.error.code).toBe(2010);
      expect((await responder.call('PUT', `/services/${ours.id}`, { service: { status: 'disabled' } })).status).toBe(
        403,
      );
      expect(
        (
          await responder.call('POST', `/services/${ours.id}/integrations`, {
            integration: { type: 'events_api_v2_inbound_integration' },
          })
        ).status,
      ).toBe(403);
      const observer = await h.userWithToken('observer');
      expect((await observer.call('POST', '/services', serviceBody(policyId))).status).toBe(403);
      const accountManager = await h.userWithToken('user');
      expect(
        (await accountManager.call('PUT', `/services/${theirs.id}`, { service: { description: 'any' } })).status,
      ).toBe(200);
    });
  });
});

async function waitForChange(h: CatalogHarness, match: (c: ReturnType<CatalogHarness['changes']>[number]) => boolean) {
  await waitFor(() => h.changes().some(match), { what: 'catalog change', timeoutMs: 10_000 });
}
