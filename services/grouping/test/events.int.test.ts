import { EventAction, IncidentChangeKind, RoutingStatus } from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { waitFor } from '@klaxon/testing';
import { groupingHarness, type Harness, service } from './harness';

// events.accepted end to end: dedup, suppression and the lifecycle events drive, on a real bus.

describe('events.accepted consumer', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await groupingHarness();
    await h.catalog('service', 'PSVC001', service('PSVC001', { auto_resolve_timeout: 14400 }));
    await h.catalog('service', 'PSVCOFF', service('PSVCOFF', { status: 'disabled' }));
  });
  afterAll(() => h.close());

  it('opens an incident for a new alert and publishes incidents.changed with the REST view', async () => {
    await h.event({ dedupKey: 'open-1', summary: 'Disk full on db-1', severity: 'warning' });
    const [incident] = await h.incidentsOf('PSVC001');
    expect(incident).toMatchObject({ status: 'triggered', title: 'Disk full on db-1', urgency: 'low', alert_count: 1 });
    const change = await waitFor(() => h.changes.find((c) => c.incidentId === incident?.id), {
      what: 'incidents.changed',
    });
    expect(change.changes).toEqual([IncidentChangeKind.TRIGGERED]);
    expect(change.escalationPolicyId).toBe('PEP0001');
    const snapshot = JSON.parse(change.snapshotJson);
    expect(snapshot).toMatchObject({
      id: incident?.id,
      type: 'incident',
      status: 'triggered',
      urgency: 'low',
      alert_counts: { all: 1, triggered: 1, resolved: 0 },
      service: { id: 'PSVC001', type: 'service_reference' },
      pending_actions: [{ type: 'resolve' }],
    });
  });

  it('appends a repeat trigger for an open key to its alert (no new alert)', async () => {
    await h.event({ dedupKey: 'dup-1' });
    await h.event({ dedupKey: 'dup-1', summary: 'again' });
    const alerts = (await h.alertsOf('PSVC001')).filter((a) => a.alert_key === 'dup-1');
    expect(alerts).toHaveLength(1);
    const entries = await h.rows(
      sql`select 1 from grouping.log_entries where alert_id = ${alerts[0]?.id ?? ''} and type = 'trigger'`,
    );
    expect(entries).toHaveLength(2);
  });

  it('keeps keys apart per integration', async () => {
    await h.event({ dedupKey: 'shared', integrationId: 'PINT001' });
    await h.event({ dedupKey: 'shared', integrationId: 'PINT002' });
    expect((await h.alertsOf('PSVC001')).filter((a) => a.alert_key === 'shared')).toHaveLength(2);
  });

  it('resolves the incident when all its alerts resolve; a later trigger on the key opens a new alert', async () => {
    await h.event({ dedupKey: 'res-1' });
    const [alert] = (await h.alertsOf('PSVC001')).filter((a) => a.alert_key === 'res-1');
    await h.event({ dedupKey: 'res-1', action: EventAction.RESOLVE });
    const [incident] = await h.rows<{ status: string }>(
      sql`select status from grouping.incidents where id = ${alert?.incident_id ?? ''}`,
    );
    expect(incident?.status).toBe('resolved');
    h.clock.advance(1000);
    await h.event({ dedupKey: 'res-1' });
    const again = (await h.alertsOf('PSVC001')).filter((a) => a.alert_key === 'res-1');
    expect(again.map((a) => a.status)).toEqual(['resolved', 'triggered']);
    expect(again[1]?.incident_id).not.toBe(alert?.incident_id);
  });

  it('acknowledges the incident through an acknowledge event', async () => {
    await h.event({ dedupKey: 'ack-1' });
    await h.event({ dedupKey: 'ack-1', action: EventAction.ACKNOWLEDGE });
    const [alert] = (await h.alertsOf('PSVC001')).filter((a) => a.alert_key === 'ack-1');
    const [incident] = await h.rows<{ status: string }>(
      sql`select status from grouping.incidents where id = ${alert?.incident_id ?? ''}`,
    );
    expect(incident?.status).toBe('acknowledged');
  });

  it('drops acknowledge and resolve for a key with no open alert, and change events', async () => {
    const before = (await h.alertsOf('PSVC001')).length;
    await h.event({ dedupKey: 'nothing', action: EventAction.ACKNOWLEDGE });
    await h.event({ dedupKey: 'nothing', action: EventAction.RESOLVE });
    await h.event({ dedupKey: '', action: EventAction.CHANGE });
    expect((await h.alertsOf('PSVC001')).length).toBe(before);
  });

  it('changes nothing twice when a message is redelivered', async () => {
    const id = await h.event({ dedupKey: 'redeliver' });
    const { publishTo } = await import('@klaxon/bus');
    const { topics } = await import('@klaxon/contracts');
    const alert = (await h.alertsOf('PSVC001')).filter((a) => a.alert_key === 'redeliver');
    // The same message id again (as a redelivery would carry it), with another key: ignored.
    await publishTo(h.bus, topics.eventsAccepted, [
      { id, integrationId: 'PINT001', serviceId: 'PSVC001', action: EventAction.TRIGGER, dedupKey: 'redeliver-2' },
    ]);
    await h.event({ dedupKey: 'marker-after-redelivery' });
    expect((await h.alertsOf('PSVC001')).filter((a) => a.alert_key.startsWith('redeliver'))).toEqual(alert);
  });

  // Issue 9: events sent while the service was off used to leave an open suppressed alert that
  // swallowed every later trigger of the key. PagerDuty drops events to a disabled service and opens
  // no incident during maintenance; afterwards the same key pages.
  it('drops a trigger to a disabled service; after re-enabling, the same key opens an incident', async () => {
    const key = 'off-disabled';
    await h.event({ serviceId: 'PSVCOFF', dedupKey: key, routing: RoutingStatus.DISABLED });
    expect((await h.alertsOf('PSVCOFF')).filter((a) => a.alert_key === key)).toEqual([]);
    expect(await h.incidentsOf('PSVCOFF')).toEqual([]);
    await h.catalog('service', 'PSVCOFF', service('PSVCOFF', { status: 'active' }));
    await h.event({ serviceId: 'PSVCOFF', dedupKey: key, routing: RoutingStatus.ACTIVE });
    const [alert] = (await h.alertsOf('PSVCOFF')).filter((a) => a.alert_key === key);
    expect(alert).toMatchObject({ suppressed: false, status: 'triggered' });
    expect((await h.incidentsOf('PSVCOFF')).map((i) => i.id)).toEqual([alert?.incident_id]);
  });

  it('records a maintenance trigger as a suppressed, resolved alert; after the window the key pages', async () => {
    const key = 'off-maintenance';
    await h.events([
      { serviceId: 'PSVC001', dedupKey: key, routing: RoutingStatus.MAINTENANCE },
      { serviceId: 'PSVC001', dedupKey: key, routing: RoutingStatus.MAINTENANCE, summary: 'repeat' },
    ]);
    await h.event({ serviceId: 'PSVC001', dedupKey: key, routing: RoutingStatus.MAINTENANCE });
    const during = (await h.alertsOf('PSVC001')).filter((a) => a.alert_key === key);
    expect(during.map((a) => [a.suppressed, a.status, a.incident_id])).toEqual([
      [true, 'resolved', null],
      [true, 'resolved', null],
      [true, 'resolved', null],
    ]);
    // A resolve during the window has no open alert to act on.
    await h.event({
      serviceId: 'PSVC001',
      dedupKey: key,
      action: EventAction.RESOLVE,
      routing: RoutingStatus.MAINTENANCE,
    });
    h.clock.advance(1000);
    await h.event({ serviceId: 'PSVC001', dedupKey: key });
    const after = (await h.alertsOf('PSVC001')).filter((a) => a.alert_key === key);
    expect(after).toHaveLength(4);
    expect(after[3]).toMatchObject({ suppressed: false, status: 'triggered' });
    expect(after[3]?.incident_id).toBeTruthy();
  });

  it('refuses to resolve an open incident through events while its service is off', async () => {
    await h.event({ dedupKey: 'while-off' });
    await h.event({ dedupKey: 'while-off', action: EventAction.RESOLVE, routing: RoutingStatus.MAINTENANCE });
    expect((await h.alertsOf('PSVC001')).find((a) => a.alert_key === 'while-off')?.status).toBe('triggered');
  });
});
