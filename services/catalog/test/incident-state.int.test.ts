import { countOpenIncidents, type IncidentStateRow, recordIncidentStates } from '../src/db';
import { type CatalogHarness, catalogHarness, policyBody, serviceBody } from './harness';

// Catalog learns incident state from incidents.changed (grouping's messages, never its tables):
// a service's status, and the open incidents per integration that guard moving an integration.
describe('incident state from incidents.changed', () => {
  let h: CatalogHarness;
  let policyId: string;
  const from = { from: 'owner@example.com' };
  const start = new Date('2026-11-26T12:00:00Z');
  beforeAll(async () => {
    // A lowered move limit (PagerDuty's is 8,000) so a few incidents reach it.
    h = await catalogHarness({ KLAXON_MOVE_OPEN_INCIDENTS_LIMIT: '2' });
    policyId = (await h.owner.call('POST', '/escalation_policies', policyBody(h.owner.id))).body.escalation_policy.id;
  });
  afterEach(() => h.clock.set(start));
  afterAll(() => h.close());

  const newService = async () => (await h.owner.call('POST', '/services', serviceBody(policyId))).body.service;
  const statusOf = async (id: string) => {
    const one = (await h.owner.call('GET', `/services/${id}`)).body.service.status;
    const listed = (await h.owner.call('GET', '/services?limit=100')).body.services.find(
      (s: { id: string }) => s.id === id,
    )?.status;
    expect(listed).toBe(one);
    return one;
  };

  describe('works', () => {
    it('shows critical with a triggered incident, warning when acknowledged only, active when resolved', async () => {
      const service = await newService();
      expect(await statusOf(service.id)).toBe('active');
      expect(
        await h.incidentChanged({ incidentId: 'PINC001', serviceId: service.id, status: 'triggered', version: 1 }),
      ).toBe('ok');
      expect(await statusOf(service.id)).toBe('critical');
      await h.incidentChanged({ incidentId: 'PINC001', serviceId: service.id, status: 'acknowledged', version: 2 });
      expect(await statusOf(service.id)).toBe('warning');
      await h.incidentChanged({ incidentId: 'PINC002', serviceId: service.id, status: 'triggered', version: 1 });
      expect(await statusOf(service.id)).toBe('critical');
      await h.incidentChanged({ incidentId: 'PINC002', serviceId: service.id, status: 'resolved', version: 2 });
      // A replayed older message changes nothing: the incident stays acknowledged, not triggered.
      expect(
        await h.incidentChanged({ incidentId: 'PINC001', serviceId: service.id, status: 'triggered', version: 1 }),
      ).toBe('ok');
      expect(await statusOf(service.id)).toBe('warning');
      await h.incidentChanged({ incidentId: 'PINC001', serviceId: service.id, status: 'resolved', version: 3 });
      expect(await statusOf(service.id)).toBe('active');
      // The status published on catalog.changes stays the stored setting, not the live one.
      const published = h.changes().filter((c) => c.entityId === service.id);
      expect(published.at(-1)?.snapshot?.status).toBe('active');
    });

    it('follows an incident moved to another service, and shows disabled over everything', async () => {
      const first = await newService();
      const second = await newService();
      await h.incidentChanged({ incidentId: 'PINC003', serviceId: first.id, status: 'triggered', version: 1 });
      await h.incidentChanged({ incidentId: 'PINC003', serviceId: second.id, status: 'triggered', version: 2 });
      expect(await statusOf(first.id)).toBe('active');
      expect(await statusOf(second.id)).toBe('critical');
      await h.owner.call('PUT', `/services/${second.id}`, { service: { status: 'disabled' } });
      expect(await statusOf(second.id)).toBe('disabled');
    });

    it('shows maintenance only while a maintenance window is ongoing', async () => {
      const service = await newService();
      await h.incidentChanged({ incidentId: 'PINC004', serviceId: service.id, status: 'triggered', version: 1 });
      const created = await h.owner.call(
        'POST',
        '/maintenance_windows',
        {
          maintenance_window: {
            type: 'maintenance_window',
            start_time: '2026-11-26T13:00:00Z',
            end_time: '2026-11-26T14:00:00Z',
            services: [{ id: service.id, type: 'service_reference' }],
          },
        },
        from,
      );
      expect(created.status).toBe(201);
      expect(await statusOf(service.id)).toBe('critical');
      h.clock.set(new Date('2026-11-26T13:00:00Z'));
      expect(await statusOf(service.id)).toBe('maintenance');
      h.clock.set(new Date('2026-11-26T14:00:00Z'));
      expect(await statusOf(service.id)).toBe('critical');
    });
  });

  describe('refused', () => {
    it('refuses moving an integration above the open-incident limit, counted from incidents.changed', async () => {
      const source = await newService();
      const target = await newService();
      const integration = (
        await h.owner.call('POST', `/services/${source.id}/integrations`, {
          integration: { type: 'events_api_v2_inbound_integration' },
        })
      ).body.integration;
      const move = () =>
        h.owner.call('POST', `/services/${source.id}/integrations/${integration.id}/move`, {
          service: { id: target.id },
        });
      const open = (incidentId: string) =>
        h.incidentChanged({
          incidentId,
          serviceId: source.id,
          status: 'triggered',
          version: 1,
          integrationId: integration.id,
        });
      await open('PINC101');
      await open('PINC102');
      // Replays count once; later messages (no integration named) keep the incident on it.
      await open('PINC101');
      await h.incidentChanged({ incidentId: 'PINC102', serviceId: source.id, status: 'acknowledged', version: 2 });
      await open('PINC103');
      const refused = await move();
      expect({ status: refused.status, body: refused.body }).toEqual({
        status: 400,
        body: {
          error: {
            code: 2019,
            message: 'Product Limit Reached',
            errors: ['The integration has 3 open incidents; at most 2 can be moved'],
          },
        },
      });
      await h.incidentChanged({ incidentId: 'PINC103', serviceId: source.id, status: 'resolved', version: 2 });
      expect((await move()).status).toBe(200);
    });

    it('applies a batch in one go: the latest state of each incident, each integration counted once', async () => {
      const service = await newService();
      const integration = (
        await h.owner.call('POST', `/services/${service.id}/integrations`, {
          integration: { type: 'events_api_v2_inbound_integration', name: 'Batch' },
        })
      ).body.integration;
      const at = (n: number) => new Date(start.getTime() + n * 1000);
      const state = (incidentId: string, status: IncidentStateRow['status'], version: number) => ({
        incidentId,
        serviceId: service.id,
        integrationId: version === 1 ? integration.id : null,
        status,
        version,
        occurredAt: at(version),
      });
      // Opened and resolved in the same batch, and a replay of the opening after it.
      expect(
        await recordIncidentStates(h.database.db, [
          state('PINC201', 'triggered', 1),
          state('PINC202', 'triggered', 1),
          state('PINC201', 'resolved', 2),
          state('PINC201', 'triggered', 1),
        ]),
      ).toBe(2);
      expect(await statusOf(service.id)).toBe('critical');
      expect(await countOpenIncidents(h.database.db, integration.id)).toBe(1);
      // The same batch again changes nothing.
      expect(await recordIncidentStates(h.database.db, [state('PINC201', 'resolved', 2)])).toBe(0);
    });

    it('drops a message that names no incident', async () => {
      expect(await h.incidentChanged({ incidentId: '', serviceId: 'PSVC', status: 'triggered', version: 1 })).toBe(
        'drop',
      );
    });
  });
});
