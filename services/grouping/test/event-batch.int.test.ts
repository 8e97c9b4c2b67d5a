import { EventAction, IncidentChangeKind, RoutingStatus } from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { waitFor } from '@klaxon/testing';
import { groupingHarness, type Harness, service } from './harness';

// A storm arrives as batches: one transaction applies many events, most in memory, the rest one by
// one in order. What a batch leaves behind must be what the same events one at a time would.

describe('events.accepted in batches', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await groupingHarness();
    await h.catalog('service', 'PBATCH1', service('PBATCH1', { auto_resolve_timeout: 600 }));
    await h.catalog(
      'service',
      'PBATCHT',
      service('PBATCHT', { alert_grouping_parameters: { type: 'time', config: { timeout: 0 } } }),
    );
    await h.catalog(
      'service',
      'PBATCHC',
      service('PBATCHC', {
        alert_grouping_parameters: {
          type: 'content_based',
          config: { aggregate: 'all', fields: ['source'], time_window: 3600 },
        },
      }),
    );
  });
  afterAll(() => h.close());

  const incidents = (serviceId: string) =>
    h.rows<{ id: string; incident_number: number; status: string; incident_key: string | null; alert_count: number }>(
      sql`select id, incident_number::int as incident_number, status, incident_key, alert_count from grouping.incidents
          where service_id = ${serviceId} order by incident_number`,
    );

  it('applies a mixed batch in order: dedup, resolve and re-trigger of one key, acknowledge, suppression', async () => {
    const on = { serviceId: 'PBATCH1', integrationId: 'PINTB01' };
    await h.events([
      { ...on, dedupKey: 'b-1', summary: 'first' },
      { ...on, dedupKey: 'b-1', summary: 'repeat' },
      { ...on, dedupKey: 'b-2', summary: 'second' },
      { ...on, dedupKey: 'b-1', action: EventAction.RESOLVE },
      { ...on, dedupKey: 'b-1', summary: 'third' },
      { ...on, dedupKey: 'b-2', action: EventAction.ACKNOWLEDGE },
      { ...on, dedupKey: 'b-3', routing: RoutingStatus.MAINTENANCE },
      { ...on, dedupKey: 'b-4', action: EventAction.RESOLVE },
      { ...on, dedupKey: 'b-5', action: EventAction.CHANGE },
    ]);
    const [first, second, third, ...more] = await incidents('PBATCH1');
    expect(more).toEqual([]);
    expect(first).toMatchObject({ status: 'resolved', incident_key: 'b-1', alert_count: 1 });
    expect(second).toMatchObject({ status: 'acknowledged', incident_key: 'b-2' });
    expect(third).toMatchObject({ status: 'triggered', incident_key: 'b-1' });
    expect(first?.incident_number).toBeLessThan(second?.incident_number ?? 0);
    expect(second?.incident_number).toBeLessThan(third?.incident_number ?? 0);

    const alerts = await h.alertsOf('PBATCH1');
    const byIncident = new Map([
      [first?.id, 'first'],
      [second?.id, 'second'],
      [third?.id, 'third'],
    ]);
    expect(
      alerts.map((a) => [a.alert_key, a.status, a.suppressed, byIncident.get(a.incident_id ?? '') ?? null]).sort(),
    ).toEqual([
      ['b-1', 'resolved', false, 'first'],
      ['b-1', 'triggered', false, 'third'],
      ['b-2', 'triggered', false, 'second'],
      ['b-3', 'resolved', true, null],
    ]);

    const log = await h.rows<{ type: string }>(
      sql`select type from grouping.log_entries where incident_id = ${first?.id ?? ''} order by seq`,
    );
    expect(log.map((e) => e.type)).toEqual(['trigger', 'trigger', 'resolve']);

    // incidents.changed in the order the events changed each incident (the topic is keyed by incident).
    const mine = () => h.changes.filter((c) => byIncident.has(c.incidentId));
    await waitFor(() => mine().length >= 5, { what: 'five incidents.changed' });
    const published = mine();
    const changesOf = (id: string | undefined) =>
      published.filter((c) => c.incidentId === id).flatMap((c) => c.changes);
    expect(changesOf(first?.id)).toEqual([IncidentChangeKind.TRIGGERED, IncidentChangeKind.RESOLVED]);
    expect(changesOf(second?.id)).toEqual([IncidentChangeKind.TRIGGERED, IncidentChangeKind.ACKNOWLEDGED]);
    expect(changesOf(third?.id)).toEqual([IncidentChangeKind.TRIGGERED]);
    const opened = JSON.parse(published.find((c) => c.incidentId === first?.id)?.snapshotJson ?? '{}');
    expect(opened).toMatchObject({
      id: first?.id,
      incident_number: first?.incident_number,
      alert_counts: { all: 1, triggered: 1, resolved: 0 },
      pending_actions: [{ type: 'resolve' }],
      first_trigger_log_entry: { type: 'trigger_log_entry_reference' },
      escalation_policy: { id: 'PEP0001' },
    });
  });

  it('groups a burst on a time-grouped service into one incident, beside a service without grouping', async () => {
    await h.events([
      ...['t-1', 't-2', 't-3'].map((dedupKey) => ({ serviceId: 'PBATCHT', integrationId: 'PINTBT', dedupKey })),
      { serviceId: 'PBATCH1', integrationId: 'PINTB01', dedupKey: 'plain' },
      { serviceId: 'PBATCHT', integrationId: 'PINTBT', dedupKey: 't-4' },
    ]);
    const grouped = await incidents('PBATCHT');
    expect(grouped).toHaveLength(1);
    expect(grouped[0]).toMatchObject({ status: 'triggered', alert_count: 4 });
  });

  it('groups by content within one batch: joins an older incident, one the batch opened, and reads again after a resolve', async () => {
    const on = { serviceId: 'PBATCHC', integrationId: 'PINTBC' };
    await h.events([{ ...on, dedupKey: 'c-1', source: 'db-1' }]);
    const [older] = await incidents('PBATCHC');
    await h.events([
      { ...on, dedupKey: 'c-2', source: 'db-1' },
      { ...on, dedupKey: 'c-3', source: 'web-1' },
      { ...on, dedupKey: 'c-4', source: 'web-1' },
      // Resolving both db-1 alerts resolves the older incident: the next db-1 alert opens a new one.
      { ...on, dedupKey: 'c-1', action: EventAction.RESOLVE },
      { ...on, dedupKey: 'c-2', action: EventAction.RESOLVE },
      { ...on, dedupKey: 'c-5', source: 'db-1' },
      { ...on, dedupKey: 'c-6', source: 'web-1' },
    ]);
    const [first, web, db, ...more] = await incidents('PBATCHC');
    expect(more).toEqual([]);
    expect(first).toMatchObject({ id: older?.id, status: 'resolved', alert_count: 2 });
    expect(web).toMatchObject({ status: 'triggered', incident_key: 'c-3', alert_count: 3 });
    expect(db).toMatchObject({ status: 'triggered', incident_key: 'c-5', alert_count: 1 });

    const placed = new Map((await h.alertsOf('PBATCHC')).map((a) => [a.alert_key, a.incident_id]));
    expect(Object.fromEntries(placed)).toEqual({
      'c-1': first?.id,
      'c-2': first?.id,
      'c-3': web?.id,
      'c-4': web?.id,
      'c-5': db?.id,
      'c-6': web?.id,
    });
    // Every alert has its own trigger log entry on the incident it joined.
    const triggers = await h.rows<{ incident_id: string; n: number }>(
      sql`select incident_id, count(*)::int as n from grouping.log_entries
          where type = 'trigger' and service_id = 'PBATCHC' group by incident_id`,
    );
    expect(Object.fromEntries(triggers.map((t) => [t.incident_id, t.n]))).toEqual({
      [first?.id ?? '']: 2,
      [web?.id ?? '']: 3,
      [db?.id ?? '']: 1,
    });
    // The grouping window of an incident joined in the batch is stored with it.
    const [window] = await h.rows<{ started: boolean; grouped: boolean }>(
      sql`select window_started_at is not null as started, window_last_grouped_at >= window_started_at as grouped
          from grouping.incidents where id = ${web?.id ?? ''}`,
    );
    expect(window).toEqual({ started: true, grouped: true });
  });
});
