import { EventAction } from '@klaxon/contracts';
import { groupingHarness, type Harness, service } from './harness';

// Each grouping type, through events.accepted: which new alerts join an open incident and which open their own.

describe('alert grouping', () => {
  let h: Harness;
  const incidentOf = async (serviceId: string, key: string) =>
    (await h.alertsOf(serviceId)).find((a) => a.alert_key === key)?.incident_id;

  beforeAll(async () => {
    h = await groupingHarness();
    await h.catalog('service', 'PNONE01', service('PNONE01'));
    await h.catalog(
      'service',
      'PTIME01',
      service('PTIME01', { alert_grouping_parameters: { type: 'time', config: { timeout: 2 } } }),
    );
    await h.catalog(
      'service',
      'PCONT01',
      service('PCONT01', {
        alert_grouping_parameters: {
          type: 'content_based',
          config: { aggregate: 'all', fields: ['source', 'component'], time_window: 300 },
        },
      }),
    );
    await h.catalog(
      'service',
      'PINTL01',
      service('PINTL01', { alert_grouping_parameters: { type: 'intelligent', config: { time_window: 300 } } }),
    );
  });
  afterAll(() => h.close());

  it('without grouping, every new alert opens its own incident', async () => {
    await h.event({ serviceId: 'PNONE01', dedupKey: 'n1' });
    await h.event({ serviceId: 'PNONE01', dedupKey: 'n2' });
    expect(await incidentOf('PNONE01', 'n1')).not.toBe(await incidentOf('PNONE01', 'n2'));
  });

  it('time: joins within the timeout, opens a new incident after it', async () => {
    await h.event({ serviceId: 'PTIME01', dedupKey: 't1', summary: 'one thing' });
    h.clock.advance(60_000);
    await h.event({ serviceId: 'PTIME01', dedupKey: 't2', summary: 'something else entirely' });
    expect(await incidentOf('PTIME01', 't2')).toBe(await incidentOf('PTIME01', 't1'));
    h.clock.advance(61_000);
    await h.event({ serviceId: 'PTIME01', dedupKey: 't3' });
    expect(await incidentOf('PTIME01', 't3')).not.toBe(await incidentOf('PTIME01', 't1'));
    const [first] = await h.incidentsOf('PTIME01');
    expect(first?.alert_count).toBe(2);
  });

  it('time: never joins a resolved incident', async () => {
    await h.event({ serviceId: 'PTIME01', dedupKey: 't3', action: EventAction.RESOLVE });
    await h.event({ serviceId: 'PTIME01', dedupKey: 't4' });
    expect(await incidentOf('PTIME01', 't4')).not.toBe(await incidentOf('PTIME01', 't3'));
  });

  it('content_based: joins on equal fields within the window only', async () => {
    await h.event({ serviceId: 'PCONT01', dedupKey: 'c1', source: 'db-1', component: 'mysql' });
    h.clock.advance(100_000);
    await h.event({ serviceId: 'PCONT01', dedupKey: 'c2', source: 'db-1', component: 'mysql', summary: 'other' });
    await h.event({ serviceId: 'PCONT01', dedupKey: 'c3', source: 'db-2', component: 'mysql' });
    expect(await incidentOf('PCONT01', 'c2')).toBe(await incidentOf('PCONT01', 'c1'));
    expect(await incidentOf('PCONT01', 'c3')).not.toBe(await incidentOf('PCONT01', 'c1'));
    h.clock.advance(301_000);
    await h.event({ serviceId: 'PCONT01', dedupKey: 'c4', source: 'db-1', component: 'mysql' });
    expect(await incidentOf('PCONT01', 'c4')).not.toBe(await incidentOf('PCONT01', 'c1'));
  });

  it('content_based: finds the matching incident among many open ones (a storm)', async () => {
    // 61 open incidents, each grouped later than the first; the window (300 s) still holds the first.
    await h.event({ serviceId: 'PCONT01', dedupKey: 'storm-first', source: 'storm-0', component: 'disk' });
    for (let i = 1; i <= 60; i++) {
      h.clock.advance(1_000);
      await h.event({ serviceId: 'PCONT01', dedupKey: `storm-${i}`, source: `storm-${i}`, component: 'disk' });
    }
    await h.event({ serviceId: 'PCONT01', dedupKey: 'storm-again', source: 'storm-0', component: 'disk' });
    expect(await incidentOf('PCONT01', 'storm-again')).toBe(await incidentOf('PCONT01', 'storm-first'));
  });

  it('intelligent: joins a similar alert, opens a new incident for an unrelated one, and learns', async () => {
    await h.event({ serviceId: 'PINTL01', dedupKey: 'i1', summary: 'Connection pool exhausted on db-1 primary' });
    h.clock.advance(30_000);
    await h.event({ serviceId: 'PINTL01', dedupKey: 'i2', summary: 'Connection pool exhausted on db-1 replica' });
    await h.event({ serviceId: 'PINTL01', dedupKey: 'i3', summary: 'TLS certificate expires soon for www' });
    expect(await incidentOf('PINTL01', 'i2')).toBe(await incidentOf('PINTL01', 'i1'));
    expect(await incidentOf('PINTL01', 'i3')).not.toBe(await incidentOf('PINTL01', 'i1'));
    const [model] = await h.rows<{ alerts: number }>(
      (await import('@klaxon/db'))
        .sql`select (state ->> 'alerts')::int alerts from grouping.models where service_id = 'PINTL01'`,
    );
    expect(model?.alerts).toBe(3);
  });
});
