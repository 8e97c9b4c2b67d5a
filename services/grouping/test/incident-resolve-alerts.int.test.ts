import { sql } from '@klaxon/db';
import { waitFor } from '@klaxon/testing';
import { groupingHarness, type Harness, service } from './harness';

// Issue 9: resolving an incident resolves all its alerts (a resolve log entry per alert), so the next
// trigger with one of their keys opens a new alert and a new incident instead of being swallowed.

describe('resolving an incident resolves its alerts', () => {
  let h: Harness;
  const S = 'PRESALL';
  const T = 'PRESGRP';
  const alertsFor = async (serviceId: string, key: string) =>
    (await h.alertsOf(serviceId)).filter((a) => a.alert_key === key);
  const alertView = async (incidentId: string) =>
    (await h.api('GET', `/incidents/${incidentId}/alerts`)).json().alerts as {
      alert_key: string;
      status: string;
      resolved_at: string | null;
    }[];
  const alertResolveEntries = (incidentId: string) =>
    h.rows<{ alert_id: string }>(
      sql`select alert_id from grouping.log_entries
          where incident_id = ${incidentId} and type = 'resolve' and alert_id is not null order by seq`,
    );
  /** A second trigger of `key` opens a new alert on a new incident. */
  const expectRetriggerPages = async (serviceId: string, key: string, firstIncident: string) => {
    h.clock.advance(1000);
    await h.event({ serviceId, dedupKey: key });
    const again = await alertsFor(serviceId, key);
    expect(again.map((a) => a.status)).toEqual(['resolved', 'triggered']);
    expect(again[1]?.incident_id).toBeTruthy();
    expect(again[1]?.incident_id).not.toBe(firstIncident);
  };

  beforeAll(async () => {
    h = await groupingHarness({ timerPollMs: 20 });
    await h.seedAuth();
    await h.catalog('service', S, service(S, { auto_resolve_timeout: 2 }));
    await h.catalog('service', T, service(T, { alert_grouping_parameters: { type: 'time', config: { timeout: 0 } } }));
  });
  afterAll(() => h.close());

  it('auto-resolve: the timer resolves the incident and its alert; the key pages again', async () => {
    const openedAt = h.clock.now();
    await h.event({ serviceId: S, dedupKey: 'auto-k' });
    const [alert] = await alertsFor(S, 'auto-k');
    const incidentId = alert?.incident_id ?? '';
    h.clock.advance(3000);
    await waitFor(
      async () =>
        (await h.rows<{ status: string }>(sql`select status from grouping.incidents where id = ${incidentId}`))[0]
          ?.status === 'resolved',
      { what: 'auto-resolved' },
    );
    const [view] = await alertView(incidentId);
    expect(view).toMatchObject({ alert_key: 'auto-k', status: 'resolved' });
    // Resolved when the timer fell due, two seconds after the trigger.
    expect(view?.resolved_at).toBe(new Date(openedAt.getTime() + 2000).toISOString());
    expect((await alertResolveEntries(incidentId)).map((e) => e.alert_id)).toEqual([alert?.id]);
    await expectRetriggerPages(S, 'auto-k', incidentId);
  });

  it('PUT /incidents/{id} status resolved resolves every alert of the incident', async () => {
    await h.events([
      { serviceId: T, dedupKey: 'put-a' },
      { serviceId: T, dedupKey: 'put-b' },
    ]);
    const [a] = await alertsFor(T, 'put-a');
    const incidentId = a?.incident_id ?? '';
    expect((await alertsFor(T, 'put-b'))[0]?.incident_id).toBe(incidentId);
    const res = await h.api('PUT', `/incidents/${incidentId}`, { incident: { type: 'incident', status: 'resolved' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().incident.alert_counts).toEqual({ all: 2, triggered: 0, resolved: 2 });
    expect((await alertView(incidentId)).map((v) => [v.alert_key, v.status]).sort()).toEqual([
      ['put-a', 'resolved'],
      ['put-b', 'resolved'],
    ]);
    expect(await alertResolveEntries(incidentId)).toHaveLength(2);
    await expectRetriggerPages(T, 'put-a', incidentId);
  });

  it('bulk PUT /incidents status resolved resolves the alerts of each incident', async () => {
    await h.events([
      { serviceId: S, dedupKey: 'bulk-1' },
      { serviceId: S, dedupKey: 'bulk-2' },
    ]);
    const ids = [
      (await alertsFor(S, 'bulk-1'))[0]?.incident_id ?? '',
      (await alertsFor(S, 'bulk-2'))[0]?.incident_id ?? '',
    ];
    const res = await h.api('PUT', '/incidents', {
      incidents: ids.map((id) => ({ id, type: 'incident_reference', status: 'resolved' })),
    });
    expect(res.statusCode).toBe(200);
    expect((await alertsFor(S, 'bulk-1')).map((x) => x.status)).toEqual(['resolved']);
    expect((await alertsFor(S, 'bulk-2')).map((x) => x.status)).toEqual(['resolved']);
    await expectRetriggerPages(S, 'bulk-2', ids[1] ?? '');
  });

  it('merge: the moved alerts stay open on the target; resolving the target resolves them', async () => {
    await h.event({ serviceId: S, dedupKey: 'merge-target' });
    await h.event({ serviceId: S, dedupKey: 'merge-source' });
    const target = (await alertsFor(S, 'merge-target'))[0]?.incident_id ?? '';
    const source = (await alertsFor(S, 'merge-source'))[0]?.incident_id ?? '';
    const merged = await h.api('PUT', `/incidents/${target}/merge`, {
      source_incidents: [{ id: source, type: 'incident_reference' }],
    });
    expect(merged.statusCode).toBe(200);
    // The source is resolved by the merge, but its alert moved: it is the target's and still open.
    expect((await alertsFor(S, 'merge-source')).map((x) => [x.status, x.incident_id])).toEqual([['triggered', target]]);
    expect(await alertResolveEntries(source)).toEqual([]);
    // So a repeat of its key still deduplicates into the target's alert.
    await h.event({ serviceId: S, dedupKey: 'merge-source', summary: 'again' });
    expect(await alertsFor(S, 'merge-source')).toHaveLength(1);
    const res = await h.api('PUT', `/incidents/${target}`, { incident: { type: 'incident', status: 'resolved' } });
    expect(res.json().incident.alert_counts).toEqual({ all: 2, triggered: 0, resolved: 2 });
    await expectRetriggerPages(S, 'merge-source', target);
  });
});
