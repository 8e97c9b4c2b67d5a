import { EventAction } from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { groupingHarness, type Harness, service } from './harness';

// Issue 9: change events were accepted and thrown away. Grouping stores them (never as alerts) and
// serves them as PagerDuty does: /change_events, by id, per service, and related to an incident.

describe('change events', () => {
  let h: Harness;
  const change = (serviceId: string, integrationId: string, summary: string, timestamp: string, extra = {}) => ({
    action: EventAction.CHANGE,
    dedupKey: '',
    serviceId,
    integrationId,
    summary,
    source: 'acme-build-pipeline',
    timestamp,
    ...extra,
  });
  const get = async (url: string) => {
    const res = await h.api('GET', url);
    return { status: res.statusCode, body: res.json() };
  };
  const summaries = (body: { change_events: { summary: string }[] }) => body.change_events.map((c) => c.summary);

  beforeAll(async () => {
    h = await groupingHarness();
    await h.seedAuth();
    await h.catalog('service', 'PCHG001', service('PCHG001', { name: 'Checkout', teams: [{ id: 'PTEAM01' }] }));
    await h.catalog('service', 'PCHG002', service('PCHG002', { name: 'Search' }));
    // One batch: stored with the batch's multi-row inserts, beside a trigger in the same batch.
    await h.events([
      change('PCHG001', 'PINTC01', 'Deploy 1', '2026-01-01T10:00:00Z', {
        custom: { build_state: 'passed', build_number: '1' },
        links: [{ href: 'https://ci.example.com/build/1', text: 'View build' }],
      }),
      change('PCHG001', 'PINTC02', 'Config change', '2026-01-01T11:00:00.000+0000'),
      change('PCHG002', 'PINTC03', 'Deploy search', '2026-01-01T12:00:00Z'),
      { serviceId: 'PCHG002', integrationId: 'PINTC03', dedupKey: 'not-a-change' },
    ]);
  });
  afterAll(() => h.close());

  describe('what works', () => {
    it('stores change events, never as alerts', async () => {
      const [n] = await h.rows<{ n: number }>(sql`select count(*)::int n from grouping.change_events`);
      expect(n?.n).toBe(3);
      expect((await h.alertsOf('PCHG001')).length).toBe(0);
      expect((await h.alertsOf('PCHG002')).map((a) => a.alert_key)).toEqual(['not-a-change']);
    });

    it('GET /change_events lists them newest first in PagerDuty shape, paginated', async () => {
      const all = await get('/change_events');
      expect(all.status).toBe(200);
      expect(summaries(all.body)).toEqual(['Deploy search', 'Config change', 'Deploy 1']);
      expect(all.body).toMatchObject({ limit: 25, offset: 0, more: false, total: null });
      const first = all.body.change_events[2];
      expect(first).toEqual({
        id: expect.any(String),
        type: 'change_event',
        summary: 'Deploy 1',
        // No KLAXON_PUBLIC_URL: links follow the request's Host (inject sends localhost:80).
        self: `http://localhost:80/change_events/${first.id}`,
        html_url: null,
        timestamp: '2026-01-01T10:00:00.000Z',
        source: 'acme-build-pipeline',
        integration: expect.objectContaining({ id: 'PINTC01', type: 'inbound_integration_reference' }),
        services: [expect.objectContaining({ id: 'PCHG001', type: 'service_reference', summary: 'Checkout' })],
        custom_details: { build_state: 'passed', build_number: '1' },
        links: [{ href: 'https://ci.example.com/build/1', text: 'View build' }],
        images: [],
      });
      const page = await get('/change_events?limit=2&offset=1&total=true');
      expect(summaries(page.body)).toEqual(['Config change', 'Deploy 1']);
      expect(page.body).toMatchObject({ limit: 2, offset: 1, more: false, total: 3 });
      expect((await get('/change_events?limit=1')).body).toMatchObject({ more: true });
    });

    it('filters by since/until, integration_ids[] and team_ids[]', async () => {
      const range = await get('/change_events?since=2026-01-01T10:30:00Z&until=2026-01-01T12:00:00Z');
      expect(summaries(range.body)).toEqual(['Config change']);
      const byIntegration = await get('/change_events?integration_ids[]=PINTC01&integration_ids[]=PINTC03');
      expect(summaries(byIntegration.body)).toEqual(['Deploy search', 'Deploy 1']);
      const byTeam = await get('/change_events?team_ids[]=PTEAM01');
      expect(summaries(byTeam.body)).toEqual(['Config change', 'Deploy 1']);
      expect(summaries((await get('/change_events?team_ids[]=PNOTEAM')).body)).toEqual([]);
    });

    it('GET /change_events/{id} shows one', async () => {
      const [listed] = (await get('/change_events?integration_ids[]=PINTC03')).body.change_events;
      const one = await get(`/change_events/${listed.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual({ change_event: listed });
    });

    it('GET /services/{id}/change_events lists the service’s, with the same filters', async () => {
      const res = await get('/services/PCHG001/change_events');
      expect(res.status).toBe(200);
      expect(summaries(res.body)).toEqual(['Config change', 'Deploy 1']);
      expect(summaries((await get('/services/PCHG001/change_events?integration_ids[]=PINTC02')).body)).toEqual([
        'Config change',
      ]);
      expect(summaries((await get('/services/PCHG001/change_events?until=2026-01-01T10:30:00Z')).body)).toEqual([
        'Deploy 1',
      ]);
    });

    it('GET /incidents/{id}/related_change_events: recent changes on the incident’s service', async () => {
      // h.clock runs at the real time; these changes happened an hour and a day and more before it.
      const now = h.clock.now().getTime();
      await h.events([
        change('PCHG001', 'PINTC01', 'Recent deploy', new Date(now - 3_600_000).toISOString()),
        change('PCHG001', 'PINTC01', 'Old deploy', new Date(now - 2 * 86_400_000).toISOString()),
        change('PCHG002', 'PINTC03', 'Other service deploy', new Date(now - 60_000).toISOString()),
      ]);
      await h.event({ serviceId: 'PCHG001', integrationId: 'PINTC01', dedupKey: 'related-incident' });
      const incidentId = (await h.alertsOf('PCHG001')).find((a) => a.alert_key === 'related-incident')?.incident_id;
      const res = await get(`/incidents/${incidentId}/related_change_events`);
      expect(res.status).toBe(200);
      expect(res.body.change_events).toEqual([
        expect.objectContaining({ summary: 'Recent deploy', correlation_reason: { reason: 'most_recent' } }),
      ]);
    });
  });

  describe('what is refused', () => {
    it('non-UTC since/until: 400; unknown change event, service or incident: 404', async () => {
      const offset = await get('/change_events?since=2026-01-01T10:00:00%2B02:00');
      expect([offset.status, offset.body.error.code]).toEqual([400, 2001]);
      expect((await get('/change_events?until=yesterday')).status).toBe(400);
      expect((await get('/change_events/PNOPE00')).status).toBe(404);
      expect((await get('/services/PNOPE00/change_events')).status).toBe(404);
      expect((await get('/incidents/PNOPE00/related_change_events')).status).toBe(404);
    });
  });

  describe('who is refused', () => {
    it('no token: 401', async () => {
      const res = await h.api('GET', '/change_events', undefined, { authorization: '' });
      expect(res.statusCode).toBe(401);
    });
  });
});
